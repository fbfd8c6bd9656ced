/** Recognising Terraform input by content, without loading the Terraform source (a snapshot scan stays light). */

/** A plan or state in Terraform's JSON output format: `format_version` with planned values or resource changes. */
export function looksLikeTerraformPlan(head: string): boolean {
  return /"format_version"\s*:/.test(head) && /"(planned_values|resource_changes|terraform_version)"\s*:/.test(head);
}
