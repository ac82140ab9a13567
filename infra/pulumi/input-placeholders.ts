/**
 * Pulumi inputs through the constructs, which take plain strings. An argument given as an Output
 * or a Promise (another resource's name, an image just built) is synthesized as a placeholder
 * that passes the constructs' checks (a DNS-1123 label), and every string of the manifests that
 * holds one becomes an Output of the real value. Which objects exist never depends on such a
 * value, so a preview shows every child even while the value is unknown.
 */
import { randomBytes } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';

export class InputPlaceholders {
  private readonly prefix = `pmfaas-input-${randomBytes(4).toString('hex')}-`;
  private readonly values: pulumi.Input<string>[] = [];
  private readonly fields: string[] = [];

  /** A plain string as it is; anything else a placeholder for it. `field` names it in errors. */
  public stand<T extends pulumi.Input<string> | undefined>(field: string, value: T): string | Extract<T, undefined> {
    if (value === undefined || typeof value === 'string') return value as string | Extract<T, undefined>;
    this.values.push(value);
    this.fields.push(field);
    return `${this.prefix}${this.values.length - 1}x`;
  }

  /** Whether `text` holds a placeholder. */
  public holds(text: string): boolean {
    return text.includes(this.prefix);
  }

  /**
   * `value` with each placeholder in its strings replaced by its real value (an Output where one
   * was). A placeholder a construct cut or changed is an error naming the argument.
   */
  public resolve(value: unknown, where: string): unknown {
    if (typeof value === 'string') return this.resolveString(value, where);
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, where));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolve(item, where)]));
    }
    return value;
  }

  private resolveString(text: string, where: string): pulumi.Input<string> {
    if (!this.holds(text)) return text;
    const pattern = new RegExp(`${this.prefix}(\\d+)x`, 'g');
    const indexes = [...text.matchAll(pattern)].map((match) => Number(match[1]));
    const rest = text.replace(pattern, '');
    if (this.holds(rest) || indexes.some((index) => index >= this.values.length)) {
      // A cut stand-in no longer says whose it was: then every argument given as an Output is a suspect.
      const named = indexes.map((index) => this.fields[index]).filter((field) => field !== undefined);
      const fields = [...new Set(named.length > 0 ? named : this.fields)];
      throw new Error(
        `${where}: a value given as a Pulumi Output (${fields.join(', ')}) is changed on its way into this field, ` +
          'so it cannot be filled in later; pass that argument as a plain string',
      );
    }
    return pulumi.all(indexes.map((index) => this.values[index]!)).apply((real) => {
      let n = 0;
      return text.replace(pattern, () => real[n++]!);
    });
  }
}
