/**
 * Folders and files whose name starts with a dot below the scanned path (`.git`, `.github`, `.vscode`, `.config/.tfsec`,
 * `.specify`, `.eslintrc.json`) hold tools' configuration, not a snapshot or a deployment: every reader's walk leaves
 * them out, as linters and IaC scanners do, so a repository's CI config is not an "unrecognised snapshot file" that
 * fails the run. The path given to scan is read whatever its name (`cordon scan .snapshot/`). `.terraform/` is not
 * walked either, but its downloaded modules are read through `.terraform/modules/modules.json` by the Terraform reader.
 */
export function isHiddenEntry(name: string): boolean {
  return name.startsWith('.');
}
