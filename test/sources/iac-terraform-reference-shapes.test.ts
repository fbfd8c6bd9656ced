/**
 * Terraform shaped like vendors' reference modules and Google's documentation samples: a module scanned on its own
 * (every resource takes its project or resource group from a variable the caller would set, so nothing is rendered —
 * cordon once reported a parse error for a "terraform.json" that does not exist; the data sets must still be
 * incomplete, naming the variable), an endpoint named by `random_id`, `project = google_compute_network.x.project`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { OPENAI_ACCOUNT_TERRAFORM } from '../support/azure-terraform.js';
import { tmpTrees } from '../support/tmp-tree.js';

let policy: ZonePolicy;
before(async () => {
  policy = await loadPolicyFile('examples/cordon.yaml');
});
const tree = tmpTrees('cordon-tf-ref-');
const module = (main: string) => tree({ 'main.tf': main });
const scan = (dir: string, checks: string[]) =>
  scanSnapshot({ snapshot: dir, policy, policySource: 'p', cwd: dir, today: '2026-01-01', checks });

describe('Terraform reference modules scanned on their own', () => {
  for (const [cloud, main, check, dataset] of [
    [
      'google',
      `variable "project_id" {}
resource "google_workbench_instance" "nb" {
  name     = "wb"
  project  = var.project_id
  location = "us-central1-a"
  gce_setup {
    disable_public_ip = true
  }
}
`,
      'gcp-workbench-public-or-outside-ai-network',
      'notebooks:instances',
    ],
    [
      'azurerm',
      `variable "resource_group_name" {}
resource "azurerm_cognitive_account" "oai" {
  name                = "oai"
  location            = "swedencentral"
  resource_group_name = var.resource_group_name
  kind                = "OpenAI"
  sku_name            = "S0"
}
`,
      'azure-ai-public-network-access',
      'cognitiveservices:accounts',
    ],
  ] as const)
    it(`${cloud}: no input error for a document that was never written; the checks are not assessed`, async () => {
      const dir = module(main);
      const r = await scan(dir, [check]);
      assert.deepEqual(
        r.inputErrors.map((e) => `${e.file}: ${e.message}`),
        [],
      );
      const findings = r.findings.filter((f) => f.checkId === check);
      assert.ok(findings.length > 0);
      for (const f of findings) {
        assert.equal(f.status, 'not-assessed');
        assert.match(f.message, new RegExp(`${dataset} is incomplete: .*var\\.(project_id|resource_group_name)`));
      }
    });

  it('google: a Vertex AI endpoint named by random_id is judged, its address standing in for the number', async () => {
    const main = (network: string) => `
resource "random_id" "endpoint_id" {
  byte_length = 4
}
resource "google_vertex_ai_endpoint" "default" {
  name         = substr(random_id.endpoint_id.dec, 0, 10)
  display_name = "sample-endpoint"
  location     = "us-central1"
  project      = "ai-prj"
${network}
}
`;
    const statuses = async (network: string) => {
      const dir = module(main(network));
      const r = await scan(dir, ['gcp-vertex-endpoint-public']);
      return r.findings.map((f) => [f.resource?.id, f.status]);
    };
    const id = 'projects/ai-prj/locations/us-central1/endpoints/google_vertex_ai_endpoint.default';
    assert.deepEqual(await statuses(''), [[id, 'fail']]);
    assert.deepEqual(
      await statuses(
        '  private_service_connect_config {\n    enable_private_service_connect = true\n    project_allowlist = ["ai-prj"]\n  }',
      ),
      [[id, 'pass']],
    );
  });

  it("google: a resource's `.project` is its provider's project when it names none (the PSC documentation sample)", async () => {
    const dir = module(`
provider "google" {
  project = "net-host"
}
resource "google_compute_network" "network" {
  name                    = "my-network"
  auto_create_subnetworks = false
}
resource "google_compute_subnetwork" "vpc_subnetwork" {
  project                  = google_compute_network.network.project
  name                     = "my-subnetwork"
  ip_cidr_range            = "10.2.0.0/16"
  region                   = "us-central1"
  network                  = google_compute_network.network.id
  private_ip_google_access = false
  labels = {}
}
resource "google_workbench_instance" "nb" {
  name     = "wb"
  project  = google_compute_network.network.project
  location = "us-central1-a"
  gce_setup {
    disable_public_ip = false
    network_interfaces {
      network = google_compute_network.network.id
      subnet  = google_compute_subnetwork.vpc_subnetwork.id
    }
  }
}
`);
    const r = await scan(dir, ['gcp-workbench-public-or-outside-ai-network']);
    assert.deepEqual(
      r.findings.map((f) => [f.resource?.id, f.status]),
      [['projects/net-host/locations/us-central1-a/instances/wb', 'fail']],
    );
  });

  describe('azurerm: a private endpoint’s A record (DNS zone group, declared record, or none)', () => {
    const world = (
      dns: 'group' | 'record' | 'none',
    ) => `${OPENAI_ACCOUNT_TERRAFORM}resource "azurerm_private_dns_zone" "oai" {
  name                = "privatelink.openai.azure.com"
  resource_group_name = azurerm_resource_group.ai.name
}
resource "azurerm_private_dns_zone_virtual_network_link" "oai" {
  name                  = "link-ai"
  resource_group_name   = azurerm_resource_group.ai.name
  private_dns_zone_name = azurerm_private_dns_zone.oai.name
  virtual_network_id    = azurerm_virtual_network.ai.id
}
resource "azurerm_private_endpoint" "oai" {
  name                = "pe-oai"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  subnet_id           = azurerm_subnet.pe.id
  private_service_connection {
    name                           = "oai"
    private_connection_resource_id = azurerm_cognitive_account.oai.id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
${
  dns === 'group'
    ? `  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [azurerm_private_dns_zone.oai.id]
  }`
    : dns === 'record'
      ? `  ip_configuration {
    name               = "oai"
    private_ip_address = "10.0.1.4"
    subresource_name   = "account"
  }`
      : ''
}
}
${
  dns === 'record'
    ? `resource "azurerm_private_dns_a_record" "oai" {
  name                = "oai-ref"
  zone_name           = azurerm_private_dns_zone.oai.name
  resource_group_name = azurerm_resource_group.ai.name
  ttl                 = 10
  records             = ["10.0.1.4"]
}`
    : ''
}
`;
    const CHECKS = ['azure-private-endpoint-dns-misconfigured', 'verify-ai-name-public-dns'];
    const statuses = async (dns: 'group' | 'record' | 'none') => {
      const dir = module(world(dns));
      const r = await scan(dir, CHECKS);
      assert.deepEqual(r.inputErrors, []);
      return Object.fromEntries(
        CHECKS.map((c) => [c, r.findings.filter((f) => f.checkId === c).map((f) => `${f.status}: ${f.message}`)]),
      );
    };
    it('a DNS zone group: the record Azure writes at deploy resolves the name privately', async () => {
      const s = await statuses('group');
      assert.match(
        s['azure-private-endpoint-dns-misconfigured']!.join('\n'),
        /^pass: .*gets its A record from its DNS zone group at deploy/,
      );
      assert.match(s['verify-ai-name-public-dns']!.join('\n'), /^pass: /);
    });
    it('a declared record at the endpoint’s static address resolves it too', async () => {
      const s = await statuses('record');
      assert.match(
        s['azure-private-endpoint-dns-misconfigured']!.join('\n'),
        /^pass: .*has an A record to 10\.0\.1\.4/,
      );
      assert.match(s['verify-ai-name-public-dns']!.join('\n'), /^pass: /);
    });
    it('neither: the name has no private record, a failure, not "not declared"', async () => {
      const s = await statuses('none');
      assert.match(s['azure-private-endpoint-dns-misconfigured']!.join('\n'), /^fail: .*holds no A record for oai-ref/);
      assert.match(s['verify-ai-name-public-dns']!.join('\n'), /^fail: .*holds no A record for oai-ref/);
    });
  });

  describe('aws: subnets placed by zone', () => {
    const world = (az: string) => `provider "aws" {
  region = "us-east-1"
}
variable "zones" {
  type = list(string)
}
data "aws_availability_zones" "available" {
  state = "available"
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = ${az}
  tags              = { SecurityZone = "inference" }
}
resource "aws_security_group" "vpce" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
resource "aws_vpc_endpoint" "bedrock" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.bedrock-runtime"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.app[0].id]
  security_group_ids  = [aws_security_group.vpce.id]
}
`;
    const CHECKS = ['aws-bedrock-endpoint-az-coverage', 'aws-bedrock-runtime-endpoint-missing'];
    const run = async (az: string) => {
      const r = await scan(module(world(az)), CHECKS);
      assert.deepEqual(r.inputErrors, []);
      return (check: string) => r.findings.filter((f) => f.checkId === check);
    };
    it('data.aws_availability_zones names six placeholder zones in order (as Fn::GetAZs): the endpoint misses the second', async () => {
      const of = await run('data.aws_availability_zones.available.names[count.index]');
      const [f] = of('aws-bedrock-endpoint-az-coverage');
      assert.equal(f?.status, 'fail', f?.message);
      assert.match(f.message, /has no interface in us-east-1-az2/);
    });
    it('count = length(names): zones beyond the second may not exist in the region — missing only those is not assessed', async () => {
      const tree = (endpointSubnets: string) =>
        world('data.aws_availability_zones.available.names[count.index]')
          .replace('count             = 2', 'count             = length(data.aws_availability_zones.available.names)')
          .replace('subnet_ids          = [aws_subnet.app[0].id]', `subnet_ids          = ${endpointSubnets}`);
      const three = await scan(module(tree('slice(aws_subnet.app[*].id, 0, 3)')), CHECKS);
      const [f] = three.findings.filter((x) => x.checkId === 'aws-bedrock-endpoint-az-coverage');
      assert.equal(f?.status, 'not-assessed', f?.message);
      assert.match(
        f.message,
        /us-east-1-az4, us-east-1-az5, us-east-1-az6, zones its callers are placed in before deploy that the region may not have/,
      );
      // The second zone exists in every region: missing it fails.
      const one = await scan(module(tree('[aws_subnet.app[0].id]')), CHECKS);
      assert.equal(one.findings.find((x) => x.checkId === 'aws-bedrock-endpoint-az-coverage')?.status, 'fail');
    });
    it('a literal zone is not the list’s n-th: the list excludes us-east-1a, so the callers are in b and c (not assessed, never a pass)', async () => {
      // The endpoint covers us-east-1a and us-east-1b; its callers take the list's first two zones. Read as the
      // region's letters, they were a and b (covered: a pass); the account's list starts at b.
      const main = world('data.aws_availability_zones.available.names[count.index]')
        .replace('state = "available"', 'state         = "available"\n  exclude_names = ["us-east-1a"]')
        .replace(
          'subnet_ids          = [aws_subnet.app[0].id]',
          'subnet_ids          = [aws_subnet.ep_a.id, aws_subnet.ep_b.id]',
        )
        .replace(
          '  tags              = { SecurityZone = "inference" }\n}',
          '  tags              = { SecurityZone = "inference" }\n}' +
            ['a', 'b']
              .map(
                (l, i) => `
resource "aws_subnet" "ep_${l}" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, ${10 + i})
  availability_zone = "us-east-1${l}"
}`,
              )
              .join(''),
        );
      const r = await scan(module(main), CHECKS);
      assert.deepEqual(r.inputErrors, []);
      const az = r.findings.filter((f) => f.checkId === 'aws-bedrock-endpoint-az-coverage');
      assert.deepEqual(
        az.map((f) => f.status),
        ['not-assessed'],
      );
      assert.match(
        az[0]!.message,
        /cannot be compared before deploy \(us-east-1-az1-of-data\.aws_availability_zones\.available, us-east-1-az2-of-data\.aws_availability_zones\.available \/ us-east-1a, us-east-1b\)/,
      );
    });
    it('a zone known only at deploy leaves the subnets whole: only the zone check is not assessed', async () => {
      const of = await run('var.zones[count.index]');
      const az = of('aws-bedrock-endpoint-az-coverage');
      assert.deepEqual(
        az.map((f) => f.status),
        ['not-assessed'],
      );
      assert.match(
        az[0]!.message,
        /availability zone of aws_subnet\.app\[0\], aws_subnet\.app\[1\] is not known \(aws_subnet\.app\[0\]\.availability_zone is not known before deploy: var\.zones/,
      );
      // What does not compare zones is judged.
      assert.deepEqual(
        of('aws-bedrock-runtime-endpoint-missing').map((f) => f.status),
        ['pass'],
      );
    });
  });
});
