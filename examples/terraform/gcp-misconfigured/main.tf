# A reduced Terraform twin of examples/gcp/misconfigured: the mistakes of its a-*.json and b-*.json files written as
# code (the spoke project and its network, the host's batch network, the workload project's sandbox network and its
# Vertex AI and Workbench resources), with the projects, perimeters and organization policies they are judged by.
# The snapshot's well-configured base (the host's ai-vpc and the workload instances) is in ../gcp-reference.
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
  org_id        = "123456789012"
  access_policy = "accessPolicies/987654321"
}
