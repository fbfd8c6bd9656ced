/**
 * SageMaker data sets of one account and region. List calls return no network settings, so every listed
 * resource is also described; the data set is written only when every description was read, because a summary
 * without its VPC and isolation settings would pass for a resource with none.
 */
import {
  DescribeDomainCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  paginateListDomains,
  paginateListModels,
  paginateListNotebookInstances,
  paginateListProcessingJobs,
  paginateListTrainingJobs,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { AwsDataset } from '../../inventory/aws.js';
import type { Limiter } from './limiter.js';
import { cliShape, describeEach, failed, gather, ok, sortById, type DatasetOutcome } from './types.js';

type Paginate = (config: { client: SageMakerClient }, input: Record<string, never>) => AsyncIterable<object>;

interface SageMakerSet {
  dataset: AwsDataset;
  list: { file: string; key: string; action: string; paginate: Paginate };
  /** The summary field that names the resource for the describe call, and the id items are sorted by. */
  name: string;
  id: string;
  describe: { file: string; action: string; call: (client: SageMakerClient, name: string) => Promise<object> };
}

export const SAGEMAKER_SETS: SageMakerSet[] = [
  {
    dataset: 'sagemaker:notebook-instances',
    list: {
      file: 'list-notebook-instances.json',
      key: 'NotebookInstances',
      action: 'sagemaker:ListNotebookInstances',
      paginate: paginateListNotebookInstances as Paginate,
    },
    name: 'NotebookInstanceName',
    id: 'NotebookInstanceArn',
    describe: {
      file: 'describe-notebook-instance.json',
      action: 'sagemaker:DescribeNotebookInstance',
      call: (c, n) => c.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: n })),
    },
  },
  {
    dataset: 'sagemaker:domains',
    list: {
      file: 'list-domains.json',
      key: 'Domains',
      action: 'sagemaker:ListDomains',
      paginate: paginateListDomains as Paginate,
    },
    name: 'DomainId',
    id: 'DomainArn',
    describe: {
      file: 'describe-domain.json',
      action: 'sagemaker:DescribeDomain',
      call: (c, n) => c.send(new DescribeDomainCommand({ DomainId: n })),
    },
  },
  {
    dataset: 'sagemaker:models',
    list: {
      file: 'list-models.json',
      key: 'Models',
      action: 'sagemaker:ListModels',
      paginate: paginateListModels as Paginate,
    },
    name: 'ModelName',
    id: 'ModelArn',
    describe: {
      file: 'describe-model.json',
      action: 'sagemaker:DescribeModel',
      call: (c, n) => c.send(new DescribeModelCommand({ ModelName: n })),
    },
  },
  {
    dataset: 'sagemaker:training-jobs',
    list: {
      file: 'list-training-jobs.json',
      key: 'TrainingJobSummaries',
      action: 'sagemaker:ListTrainingJobs',
      paginate: paginateListTrainingJobs as Paginate,
    },
    name: 'TrainingJobName',
    id: 'TrainingJobArn',
    describe: {
      file: 'describe-training-job.json',
      action: 'sagemaker:DescribeTrainingJob',
      call: (c, n) => c.send(new DescribeTrainingJobCommand({ TrainingJobName: n })),
    },
  },
  {
    dataset: 'sagemaker:processing-jobs',
    list: {
      file: 'list-processing-jobs.json',
      key: 'ProcessingJobSummaries',
      action: 'sagemaker:ListProcessingJobs',
      paginate: paginateListProcessingJobs as Paginate,
    },
    name: 'ProcessingJobName',
    id: 'ProcessingJobArn',
    describe: {
      file: 'describe-processing-job.json',
      action: 'sagemaker:DescribeProcessingJob',
      call: (c, n) => c.send(new DescribeProcessingJobCommand({ ProcessingJobName: n })),
    },
  },
];

async function collectSet(client: SageMakerClient, limit: Limiter, s: SageMakerSet): Promise<DatasetOutcome> {
  let items: Record<string, unknown>[];
  try {
    items = sortById(await limit(() => gather(s.list.paginate({ client }, {}), s.list.key)), s.id);
  } catch (err) {
    return failed(s.dataset, s.list.action, err);
  }
  if (items.length === 0) return ok(s.dataset, { name: s.list.file, document: { [s.list.key]: items } });
  try {
    const d = await describeEach(items, limit, async (i) => {
      const name = i[s.name];
      return cliShape(await s.describe.call(client, typeof name === 'string' ? name : ''));
    });
    return ok(
      s.dataset,
      { name: s.list.file, document: { [s.list.key]: d.items } },
      ...(d.details.length ? [{ name: s.describe.file, document: sortById(d.details, s.id) }] : []),
    );
  } catch (err) {
    return failed(s.dataset, s.describe.action, err);
  }
}

export async function collectSageMaker(client: SageMakerClient, limit: Limiter): Promise<DatasetOutcome[]> {
  return Promise.all(SAGEMAKER_SETS.map((s) => collectSet(client, limit, s)));
}
