/**
 * EC2 routing data sets whose items need a second call each: managed prefix lists with their entries, and transit
 * gateway route tables with their associations and routes. The second outputs name no item, so each is written
 * with its id, as the documented `--query '{PrefixListId: `PL`, Entries: Entries}'` would print it.
 */
import {
  paginateDescribeManagedPrefixLists,
  paginateDescribeTransitGatewayRouteTables,
  paginateDescribeTransitGatewayVpcAttachments,
  paginateGetManagedPrefixListEntries,
  paginateGetTransitGatewayRouteTableAssociations,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Limiter } from './limiter.js';
import { describeEach, failed, gather, ok, sortById, type DatasetOutcome } from './types.js';

export async function collectPrefixLists(client: EC2Client, limit: Limiter): Promise<DatasetOutcome> {
  try {
    const lists = sortById(
      await limit(() => gather(paginateDescribeManagedPrefixLists({ client }, {}), 'PrefixLists')),
      'PrefixListId',
    );
    const d = await describeEach(lists, limit, async (l) => {
      const PrefixListId = String(l.PrefixListId);
      const entries = await tagged(
        'ec2:GetManagedPrefixListEntries',
        gather(paginateGetManagedPrefixListEntries({ client }, { PrefixListId }), 'Entries'),
      );
      return { PrefixListId, Entries: sortById(entries, 'Cidr') };
    });
    return ok(
      'ec2:managed-prefix-lists',
      { name: 'describe-managed-prefix-lists.json', document: { PrefixLists: d.items } },
      ...(d.details.length ? [{ name: 'get-managed-prefix-list-entries.json', document: d.details }] : []),
    );
  } catch (err) {
    // Entries missing for some lists would read as empty lists: all or nothing.
    return failed('ec2:managed-prefix-lists', actionOf(err, 'ec2:DescribeManagedPrefixLists'), err);
  }
}

export async function collectTransitGatewayAttachments(client: EC2Client, limit: Limiter): Promise<DatasetOutcome> {
  try {
    const items = sortById(
      await limit(() =>
        gather(paginateDescribeTransitGatewayVpcAttachments({ client }, {}), 'TransitGatewayVpcAttachments'),
      ),
      'TransitGatewayAttachmentId',
    );
    return ok('ec2:transit-gateway-vpc-attachments', {
      name: 'describe-transit-gateway-vpc-attachments.json',
      document: { TransitGatewayVpcAttachments: items },
    });
  } catch (err) {
    return failed('ec2:transit-gateway-vpc-attachments', 'ec2:DescribeTransitGatewayVpcAttachments', err);
  }
}

export async function collectTransitGatewayRouteTables(client: EC2Client, limit: Limiter): Promise<DatasetOutcome> {
  try {
    const tables = sortById(
      await limit(() => gather(paginateDescribeTransitGatewayRouteTables({ client }, {}), 'TransitGatewayRouteTables')),
      'TransitGatewayRouteTableId',
    );
    const d = await describeEach(tables, limit, async (t) => {
      const TransitGatewayRouteTableId = String(t.TransitGatewayRouteTableId);
      const associations = await tagged(
        'ec2:GetTransitGatewayRouteTableAssociations',
        gather(
          paginateGetTransitGatewayRouteTableAssociations({ client }, { TransitGatewayRouteTableId }),
          'Associations',
        ),
      );
      // Static and propagated are every route type there is; the filter is required by the API.
      const routes: Record<string, unknown>[] = [];
      let more: boolean;
      let NextToken: string | undefined;
      do {
        const r = await tagged(
          'ec2:SearchTransitGatewayRoutes',
          client.send(
            new SearchTransitGatewayRoutesCommand({
              TransitGatewayRouteTableId,
              Filters: [{ Name: 'type', Values: ['static', 'propagated'] }],
              MaxResults: 1000,
              ...(NextToken ? { NextToken } : {}),
            }),
          ),
        );
        routes.push(...((r.Routes ?? []) as Record<string, unknown>[]));
        NextToken = r.NextToken;
        more = r.AdditionalRoutesAvailable === true && !NextToken;
      } while (NextToken);
      return {
        associations: {
          TransitGatewayRouteTableId,
          Associations: sortById(associations, 'TransitGatewayAttachmentId'),
        },
        routes: {
          TransitGatewayRouteTableId,
          Routes: routes,
          // Kept when AWS could not return every route: the reader then treats the table's routes as incomplete.
          ...(more ? { AdditionalRoutesAvailable: true } : {}),
        },
      };
    });
    return ok(
      'ec2:transit-gateway-route-tables',
      { name: 'describe-transit-gateway-route-tables.json', document: { TransitGatewayRouteTables: d.items } },
      ...(d.details.length
        ? [
            {
              name: 'get-transit-gateway-route-table-associations.json',
              document: d.details.map((x) => x.associations),
            },
            { name: 'search-transit-gateway-routes.json', document: d.details.map((x) => x.routes) },
          ]
        : []),
    );
  } catch (err) {
    return failed('ec2:transit-gateway-route-tables', actionOf(err, 'ec2:DescribeTransitGatewayRouteTables'), err);
  }
}

/** Marks a failure with the IAM action of the call that failed, for the data set's "unavailable" record. */
async function tagged<T>(action: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err !== null && typeof err === 'object') (err as { cordonAction?: string }).cordonAction = action;
    throw err;
  }
}

/** The IAM action of the call that failed, when the error carries it (set by `tagged`). */
function actionOf(err: unknown, fallback: string): string {
  return (err as { cordonAction?: string } | null)?.cordonAction ?? fallback;
}
