/** Round-robin across a function's ready endpoints; the backend owns the list, we own the turn. */
export class RoundRobin {
  private readonly turns = new Map<string, number>();

  pick(name: string, endpoints: readonly string[]): string | undefined {
    const count = endpoints.length;
    if (count <= 1) return endpoints[0];
    const turn = ((this.turns.get(name) ?? -1) + 1) % count;
    this.turns.set(name, turn);
    return endpoints[turn];
  }

  forget(name: string): void {
    this.turns.delete(name);
  }
}
