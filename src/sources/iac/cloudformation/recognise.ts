/**
 * Whether a file's head looks like a CloudFormation template, by content: provider detection reads every file's head,
 * so this is a regular expression and loads no parser (the loader parses to be sure).
 */
// At a line start (YAML, pretty JSON) or after "{" or "," (minified JSON).
const FORMAT_VERSION = /(^|[{,])[ \t]*["']?AWSTemplateFormatVersion["']?[ \t]*:/m;
const RESOURCES = /(^|[{,])[ \t]*["']?Resources["']?[ \t]*:/m;
const AWS_TYPE = /["']?Type["']?[ \t]*:[ \t]*["']?AWS::[A-Za-z0-9]+::/;

export function looksLikeCloudFormation(head: string): boolean {
  // A Resources mapping whose entries have an AWS:: type: cordon.yaml, Kubernetes manifests and ARM templates
  // ("resources" with "Microsoft.…" types) never do.
  return FORMAT_VERSION.test(head) || (RESOURCES.test(head) && AWS_TYPE.test(head));
}

/** File names a template may have besides .json (which snapshot files share). */
export function isTemplateName(name: string): boolean {
  return /\.(ya?ml|template|cfn)$/i.test(name);
}
