/**
 * The screen's token is a secret: it never reaches a log file nor the screen. Every known
 * secret value, and the value of anything that looks like `token=…`, `"token": "…"` or
 * `--token …`, is replaced by `***`.
 */

const TOKEN_ASSIGNMENT = /((?:^|[^a-z])token["']?\s*[=:]\s*["']?|--token[= ]\s*)[^\s&"',;)}\]]+/gi;

export function redact(message: string, secrets: readonly string[] = []): string {
  let out = message;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out.replace(TOKEN_ASSIGNMENT, '$1***');
}
