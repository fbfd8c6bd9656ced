# A reduced Terraform twin of examples/gcp/reference: the host project's VPC (five zone subnets with flow logs and
# Private Google Access), zone-to-zone firewall rules with a default-deny egress, the restricted.googleapis.com route,
# a Private Service Connect endpoint for Google APIs (vpc-sc bundle), the private googleapis.com zone and a DNS policy
# that logs queries; the workload instances live in the service project (Shared VPC).
terraform {
  required_providers {
    google = { source = "hashicorp/google", version = "~> 6.0" }
  }
}

provider "google" {
  project = "ai-net-host"
  region  = "us-central1"
  zone    = "us-central1-a"
}

locals {
  zones = {
    application = "10.0.1.0/24"
    inference   = "10.0.2.0/24"
    data        = "10.0.3.0/24"
    management  = "10.0.4.0/24"
    sandbox     = "10.0.5.0/24"
  }
  # Allowed zone-to-zone flows: one ingress and one egress rule each.
  flows = {
    "app-to-inference"        = { from = "application", to = "inference", ports = ["443"] }
    "inference-to-data"       = { from = "inference", to = "data", ports = ["6333-6334"] }
    "inference-to-management" = { from = "inference", to = "management", ports = ["443"] }
    "inference-to-sandbox"    = { from = "inference", to = "sandbox", ports = ["8443"] }
  }
  psc_address = "10.0.250.5"
}

resource "google_compute_network" "ai_vpc" {
  name                            = "ai-vpc"
  auto_create_subnetworks         = false
  routing_mode                    = "REGIONAL"
  delete_default_routes_on_create = true
}

resource "google_compute_subnetwork" "zone" {
  for_each                 = local.zones
  name                     = each.key
  network                  = google_compute_network.ai_vpc.id
  ip_cidr_range            = each.value
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
    flow_sampling        = 1
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_ingress" {
  for_each      = local.flows
  name          = "allow-${each.key}"
  network       = google_compute_network.ai_vpc.self_link
  direction     = "INGRESS"
  source_ranges = [local.zones[each.value.from]]
  target_tags   = [each.value.to]

  allow {
    protocol = "tcp"
    ports    = each.value.ports
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_egress" {
  for_each           = local.flows
  name               = "allow-${each.key}-egress"
  network            = google_compute_network.ai_vpc.self_link
  direction          = "EGRESS"
  destination_ranges = [local.zones[each.value.to]]
  target_tags        = [each.value.from]

  allow {
    protocol = "tcp"
    ports    = each.value.ports
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "inference_to_vertex_psc" {
  name               = "allow-inference-to-vertex-psc"
  network            = google_compute_network.ai_vpc.name
  direction          = "EGRESS"
  destination_ranges = ["${local.psc_address}/32"]
  target_tags        = ["inference"]

  allow {
    protocol = "tcp"
    ports    = ["443"]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "deny_all_egress" {
  name               = "deny-all-egress"
  network            = google_compute_network.ai_vpc.id
  direction          = "EGRESS"
  priority           = 65000
  destination_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "all"
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_route" "restricted_googleapis" {
  name             = "restricted-googleapis"
  network          = google_compute_network.ai_vpc.id
  dest_range       = "199.36.153.4/30"
  next_hop_gateway = "default-internet-gateway"
}
