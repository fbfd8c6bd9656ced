import { SAGEMAKER_REFERENCES, sagemakerSettingCheck } from './sagemaker-support.js';

export default sagemakerSettingCheck({
  id: 'aws-sagemaker-notebook-direct-internet',
  kind: 'notebook-instance',
  title: 'SageMaker notebook instance has direct internet access',
  severity: 'high',
  rationale:
    "With DirectInternetAccess Enabled, SageMaker gives the notebook its own internet path that bypasses your VPC, its security groups and its egress controls: data scientists' notebooks with training data and credentials can reach anything.",
  remediation: {
    text: 'Recreate the notebook with DirectInternetAccess Disabled in a private subnet; reach AWS services through VPC endpoints.',
    snippet: {
      language: 'terraform',
      code: 'resource "aws_sagemaker_notebook_instance" "nb" {\n  # …\n  subnet_id              = "subnet-…"\n  security_groups        = ["sg-…"]\n  direct_internet_access = "Disabled"\n}',
    },
  },
  references: SAGEMAKER_REFERENCES,
  seeds: ['001: multi-cloud table, SageMaker (sagemaker.api / sagemaker.runtime via VPC endpoints)'],
  problem: (r) =>
    r.directInternetAccess
      ? `notebook instance ${r.name} has direct internet access enabled: it bypasses the VPC`
      : undefined,
  ok: (r) => `notebook instance ${r.name} has direct internet access disabled`,
});
