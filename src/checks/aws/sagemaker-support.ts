/** SageMaker network-setting checks share one shape: per resource of a kind, a setting that must hold. */
import type { AwsSageMakerResource, SageMakerKind } from '../../inventory/aws.js';
import { defineAwsCheck, type AwsCheck, type CheckMeta, type CheckResult } from '../types.js';

const DATASET = {
  'notebook-instance': 'sagemaker:notebook-instances',
  domain: 'sagemaker:domains',
  model: 'sagemaker:models',
  'training-job': 'sagemaker:training-jobs',
  'processing-job': 'sagemaker:processing-jobs',
} as const;

const RESOURCE_TYPE: Record<SageMakerKind, string> = {
  'notebook-instance': 'AWS::SageMaker::NotebookInstance',
  domain: 'AWS::SageMaker::Domain',
  model: 'AWS::SageMaker::Model',
  'training-job': 'AWS::SageMaker::TrainingJob',
  'processing-job': 'AWS::SageMaker::ProcessingJob',
};

const DESCRIBE: Record<SageMakerKind, string> = {
  'notebook-instance': 'describe-notebook-instance --notebook-instance-name',
  domain: 'describe-domain --domain-id',
  model: 'describe-model --model-name',
  'training-job': 'describe-training-job --training-job-name',
  'processing-job': 'describe-processing-job --processing-job-name',
};

export interface SettingCheck extends Omit<CheckMeta, 'provider' | 'requires' | 'resourceType' | 'service'> {
  kind: SageMakerKind;
  /** undefined when the setting is as it should be; else the failure message. */
  problem: (r: AwsSageMakerResource) => string | undefined;
  ok: (r: AwsSageMakerResource) => string;
}

export function sagemakerSettingCheck(def: SettingCheck): AwsCheck {
  const { kind, problem, ok, ...meta } = def;
  return defineAwsCheck({
    ...meta,
    service: 'sagemaker',
    resourceType: RESOURCE_TYPE[kind],
    requires: [DATASET[kind]],
    run(ctx) {
      return ctx.inventory.sagemakerResources
        .filter((r) => r.kind === kind)
        .sort((a, b) => a.arn.localeCompare(b.arn))
        .map((r): CheckResult => {
          const resource = { id: r.name, arn: r.arn, type: RESOURCE_TYPE[kind] };
          if (!r.detail)
            return {
              status: 'not-assessed',
              resource,
              origin: r.origin,
              message: `${kind} ${r.name} appears only in a list output, which does not show its network settings (run aws sagemaker ${DESCRIBE[kind]} ${r.name})`,
            };
          const p = problem(r);
          const evidence = {
            subnets: r.subnetIds,
            securityGroups: r.securityGroupIds,
            ...(r.networkIsolation !== undefined ? { networkIsolation: r.networkIsolation } : {}),
            ...(r.directInternetAccess !== undefined ? { directInternetAccess: r.directInternetAccess } : {}),
            ...(r.appNetworkAccessType ? { appNetworkAccessType: r.appNetworkAccessType } : {}),
          };
          return p
            ? { status: 'fail', resource, origin: r.origin, message: p, evidence }
            : { status: 'pass', resource, origin: r.origin, message: ok(r), evidence };
        });
    },
  });
}

export const SAGEMAKER_REFERENCES = [
  'https://docs.aws.amazon.com/sagemaker/latest/dg/infrastructure-connect-to-resources.html',
  'https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html',
];
