/**
 * Bedrock data sets of one account and region. list-model-customization-jobs does not return a job's VPC
 * configuration, so every listed job is also read with get-model-customization-job.
 */
import {
  GetModelCustomizationJobCommand,
  paginateListModelCustomizationJobs,
  type BedrockClient,
} from '@aws-sdk/client-bedrock';
import { paginateListAgents, type BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import type { Limiter } from './limiter.js';
import { cliShape, dependent, describeEach, failed, gather, ok, sortById, type DatasetOutcome } from './types.js';

export async function collectCustomizationJobs(client: BedrockClient, limit: Limiter): Promise<DatasetOutcome[]> {
  let jobs: Record<string, unknown>[];
  let list: DatasetOutcome;
  try {
    jobs = sortById(
      await limit(() => gather(paginateListModelCustomizationJobs({ client }, {}), 'modelCustomizationJobSummaries')),
      'jobArn',
    );
    list = ok('bedrock:customization-jobs', {
      name: 'list-model-customization-jobs.json',
      document: { modelCustomizationJobSummaries: jobs },
    });
  } catch (err) {
    list = failed('bedrock:customization-jobs', 'bedrock:ListModelCustomizationJobs', err);
    return [
      list,
      dependent('bedrock:customization-job-details', 'bedrock:GetModelCustomizationJob', list.unavailable!),
    ];
  }
  if (jobs.length === 0) return [list, ok('bedrock:customization-job-details')];
  try {
    const d = await describeEach(jobs, limit, async (j) =>
      cliShape(await client.send(new GetModelCustomizationJobCommand({ jobIdentifier: String(j.jobArn) }))),
    );
    // Jobs deleted since the list call are left out of the list too.
    return [
      ok('bedrock:customization-jobs', {
        name: 'list-model-customization-jobs.json',
        document: { modelCustomizationJobSummaries: d.items },
      }),
      ok(
        'bedrock:customization-job-details',
        ...(d.details.length
          ? [{ name: 'get-model-customization-job.json', document: sortById(d.details, 'jobArn') }]
          : []),
      ),
    ];
  } catch (err) {
    // Without every job's details a job outside the VPC could go unseen: the details set is unavailable as a whole.
    return [list, failed('bedrock:customization-job-details', 'bedrock:GetModelCustomizationJob', err)];
  }
}

export async function collectAgents(client: BedrockAgentClient, limit: Limiter): Promise<DatasetOutcome> {
  try {
    const agents = sortById(await limit(() => gather(paginateListAgents({ client }, {}), 'agentSummaries')), 'agentId');
    return ok('bedrock:agents', { name: 'list-agents.json', document: { agentSummaries: agents } });
  } catch (err) {
    return failed('bedrock:agents', 'bedrock:ListAgents', err);
  }
}
