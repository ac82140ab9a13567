/**
 * The two HTML documents the gateway writes itself: the app's shell and the login form. Neither
 * has inline script or style (the CSP forbids both); every value put in is escaped.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function head(title: string, pathPrefix: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="faas-path-prefix" content="${escapeHtml(pathPrefix)}">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(pathPrefix)}/ui/assets/app.css">`;
}

export function appShell(pathPrefix: string): string {
  return `${head('Poorman FaaS', pathPrefix)}
<script type="module" src="${escapeHtml(pathPrefix)}/ui/assets/app.js"></script>
</head>
<body>
<div id="app"><p class="boot">Loading…</p></div>
</body>
</html>
`;
}

export interface LoginPage {
  readonly pathPrefix: string;
  readonly user?: string;
  /** Shown above the form: why the last attempt failed. */
  readonly problem?: string;
}

export function loginPage(page: LoginPage): string {
  const problem = page.problem === undefined ? '' : `<p class="problem" role="alert">${escapeHtml(page.problem)}</p>\n`;
  return `${head('Log in · Poorman FaaS', page.pathPrefix)}
</head>
<body class="login">
<main class="login-card">
<h1>Poorman FaaS</h1>
<p class="muted">Log in with the gateway's admin user.</p>
${problem}<form method="post" action="${escapeHtml(page.pathPrefix)}/ui/login">
<label for="user">User</label>
<input id="user" name="user" autocomplete="username" required value="${escapeHtml(page.user ?? 'admin')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit" class="primary">Log in</button>
</form>
<p class="muted small">The password is <code>FAAS_ADMIN_PASSWORD</code>; <code>faas dev</code> prints one at start when none is set.</p>
</main>
</body>
</html>
`;
}
