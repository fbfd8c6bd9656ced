/**
 * Private Service Connect producers declared in Terraform (`google_compute_service_attachment`): a sandbox instance
 * reaching a PSC endpoint (a forwarding rule whose target is the attachment) reaches the data-zone instance behind the
 * attachment's internal load balancer, which sees the NAT subnet's addresses. The attachment's connection preference
 * and accept / reject lists decide whether the endpoint is accepted: pending is "cannot decide", rejected carries
 * nothing. Before the attachment was mapped, the endpoint was only a gap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zonePairVerifier } from '../support/verify-zones.js';

const verify = zonePairVerifier('cordon-iac-psc-');

interface Options {
  preference?: 'ACCEPT_AUTOMATIC' | 'ACCEPT_MANUAL';
  /** consumer_accept_lists blocks / consumer_reject_lists. */
  lists?: string;
  /** The endpoint's address resource states no address: Google picks it. */
  pickedAddress?: boolean;
}

/** The sandbox network (agent, PSC endpoint) and the data network (database, internal load balancer, attachment). */
const terraform = (o: Options = {}) => `provider "google" {
  project = "ai-proj"
  region  = "us-central1"
  zone    = "us-central1-a"
}
resource "google_compute_network" "sandbox" {
  name                    = "sandbox-vpc"
  auto_create_subnetworks = false
}
resource "google_compute_subnetwork" "sandbox" {
  name          = "sandbox"
  network       = google_compute_network.sandbox.id
  ip_cidr_range = "10.0.5.0/24"
}
resource "google_compute_instance" "agent" {
  name         = "agent"
  machine_type = "e2-small"
  boot_disk {
    initialize_params { image = "debian-cloud/debian-12" }
  }
  network_interface {
    subnetwork = google_compute_subnetwork.sandbox.id
    network_ip = "10.0.5.10"
  }
}
resource "google_compute_firewall" "sandbox_egress" {
  name               = "sandbox-egress"
  network            = google_compute_network.sandbox.id
  direction          = "EGRESS"
  destination_ranges = ["10.0.0.0/8"]
  allow { protocol = "all" }
}
resource "google_compute_address" "psc" {
  name         = "psc-vector"
  subnetwork   = google_compute_subnetwork.sandbox.id
  address_type = "INTERNAL"
  ${o.pickedAddress ? '' : 'address      = "10.0.5.100"'}
}
resource "google_compute_forwarding_rule" "psc" {
  name                  = "psc-vector"
  network               = google_compute_network.sandbox.id
  ip_address            = google_compute_address.psc.id
  target                = google_compute_service_attachment.vector.id
  load_balancing_scheme = ""
}
resource "google_compute_network" "data" {
  name                    = "data-vpc"
  auto_create_subnetworks = false
}
resource "google_compute_subnetwork" "data" {
  name          = "data"
  network       = google_compute_network.data.id
  ip_cidr_range = "10.0.3.0/24"
}
resource "google_compute_subnetwork" "psc_nat" {
  name          = "psc-nat"
  network       = google_compute_network.data.id
  ip_cidr_range = "10.0.7.0/24"
  purpose       = "PRIVATE_SERVICE_CONNECT"
}
resource "google_compute_instance" "vector" {
  name         = "vector"
  machine_type = "e2-standard-4"
  tags         = ["vector"]
  boot_disk {
    initialize_params { image = "debian-cloud/debian-12" }
  }
  network_interface {
    subnetwork = google_compute_subnetwork.data.id
    network_ip = "10.0.3.4"
  }
}
resource "google_compute_firewall" "vector_from_psc" {
  name          = "vector-from-psc"
  network       = google_compute_network.data.id
  source_ranges = ["10.0.7.0/24"]
  target_tags   = ["vector"]
  allow {
    protocol = "tcp"
    ports    = ["6333"]
  }
}
resource "google_compute_instance_group" "vector" {
  name      = "vector"
  instances = [google_compute_instance.vector.id]
}
resource "google_compute_region_backend_service" "vector" {
  name                  = "vector"
  protocol              = "TCP"
  load_balancing_scheme = "INTERNAL"
  backend { group = google_compute_instance_group.vector.id }
}
resource "google_compute_forwarding_rule" "vector" {
  name                  = "vector-ilb"
  load_balancing_scheme = "INTERNAL"
  backend_service       = google_compute_region_backend_service.vector.id
  network               = google_compute_network.data.id
  subnetwork            = google_compute_subnetwork.data.id
  ip_address            = "10.0.3.10"
  ip_protocol           = "TCP"
  ports                 = ["6333"]
}
resource "google_compute_service_attachment" "vector" {
  name                  = "vector"
  target_service        = google_compute_forwarding_rule.vector.id
  connection_preference = "${o.preference ?? 'ACCEPT_AUTOMATIC'}"
  ${o.lists ?? ''}
  nat_subnets           = [google_compute_subnetwork.psc_nat.id]
  enable_proxy_protocol = false
}
`;

async function sandboxToData(o: Options = {}) {
  const r = await verify({ 'main.tf': terraform(o) });
  assert.deepEqual(r.inputErrors, []);
  return r;
}

describe('verify on Terraform google: a service attachment declared in the code', () => {
  it('the sandbox reaching the PSC endpoint reaches the database behind the attachment: the violation, through it', async () => {
    const { cell, violations, hops, notAssessed } = await sandboxToData();
    assert.deepEqual(notAssessed, []);
    assert.deepEqual(cell.configurationPermits, ['tcp/6333']);
    assert.equal(violations.length, 1);
    assert.ok(
      hops.some((h) => /Private Service Connect endpoint psc-vector to service attachment vector/.test(h)),
      hops.join('\n'),
    );
  });
  it('ACCEPT_MANUAL: pending without the consumer in an accept list, accepted with it, nothing when rejected', async () => {
    const pending = await sandboxToData({ preference: 'ACCEPT_MANUAL' });
    assert.deepEqual(pending.cell.configurationPermits, []);
    assert.deepEqual(pending.cell.unknown, ['tcp/6333']);
    assert.equal(pending.violations.length, 0);
    for (const accept of [
      'consumer_accept_lists {\n    project_id_or_num = "ai-proj"\n    connection_limit  = 4\n  }',
      'consumer_accept_lists {\n    network_url      = google_compute_network.sandbox.self_link\n    connection_limit = 4\n  }',
    ]) {
      const accepted = await sandboxToData({ preference: 'ACCEPT_MANUAL', lists: accept });
      assert.equal(accepted.violations.length, 1, accept);
    }
    const rejected = await sandboxToData({ preference: 'ACCEPT_MANUAL', lists: 'consumer_reject_lists = ["ai-proj"]' });
    assert.deepEqual(rejected.cell.configurationPermits, []);
    assert.deepEqual(rejected.cell.unknown, []);
  });
  it('an endpoint address Google picks at deploy: its project is not verified, never a pass', async () => {
    const { violations, notAssessed } = await sandboxToData({ pickedAddress: true });
    assert.equal(violations.length, 0);
    assert.equal(notAssessed.length, 1);
    assert.match(notAssessed[0]!, /psc-vector/);
  });
});
