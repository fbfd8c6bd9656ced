/**
 * What an inventory was read from, for the words of not-assessed messages: infrastructure as code declares only part
 * of what a deployed account holds, so a data set it lacks is "not declared by the code", not "not in the snapshot".
 */
export type IacLanguage = 'Terraform' | 'CloudFormation' | 'ARM' | 'Bicep';

/** "<dataset> is not in the snapshot (<how>)", or the infrastructure-as-code wording when `iac` is set. */
export function datasetAbsent(dataset: string, iac: IacLanguage | undefined, where: string, how: string): string {
  return iac
    ? `${dataset} is not declared by the ${iac} code${where} (it is read from the deployed account: ${how})`
    : `${dataset} is not in the snapshot${where} (${how})`;
}
