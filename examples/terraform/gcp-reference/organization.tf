# The two projects in a folder of the organization, the APIs they use, the VPC Service Controls perimeter around both
# and the organization policies that keep AI workloads private (the snapshot twin's access policy and org policies).
locals {
  org_id        = "123456789012"
  access_policy = "accessPolicies/987654321"
}

resource "google_folder" "ai" {
  display_name = "AI"
  parent       = "organizations/${local.org_id}"
}

resource "google_project" "host" {
  project_id = "ai-net-host"
  name       = "AI network host"
  folder_id  = google_folder.ai.name
  labels     = { env = "prod" }
}

resource "google_project" "workloads" {
  project_id = "ai-workloads"
  name       = "AI workloads"
  folder_id  = google_folder.ai.name
  labels     = { env = "prod" }
}

resource "google_project_service" "host" {
  for_each = toset(["compute.googleapis.com", "dns.googleapis.com"])
  project  = google_project.host.project_id
  service  = each.key
}

resource "google_project_service" "workloads" {
  for_each = toset(["aiplatform.googleapis.com", "notebooks.googleapis.com", "storage.googleapis.com", "compute.googleapis.com"])
  project  = google_project.workloads.project_id
  service  = each.key
}

resource "google_access_context_manager_service_perimeter" "ai" {
  parent = local.access_policy
  name   = "${local.access_policy}/servicePerimeters/ai_perimeter"
  title  = "ai_perimeter"

  status {
    # Project numbers are assigned on create: cordon resolves them to the projects declared here.
    resources = [
      "projects/${google_project.host.number}",
      "projects/${google_project.workloads.number}",
    ]
    restricted_services = [
      "aiplatform.googleapis.com",
      "notebooks.googleapis.com",
      "storage.googleapis.com",
      "bigquery.googleapis.com",
    ]

    vpc_accessible_services {
      enable_restriction = true
      allowed_services   = ["RESTRICTED-SERVICES"]
    }
  }
}

resource "google_org_policy_policy" "vm_external_ip" {
  name   = "organizations/${local.org_id}/policies/compute.vmExternalIpAccess"
  parent = "organizations/${local.org_id}"

  spec {
    rules {
      deny_all = "TRUE"
    }
  }
}

resource "google_org_policy_policy" "workbench_public_ip" {
  name   = "organizations/${local.org_id}/policies/ainotebooks.restrictPublicIp"
  parent = "organizations/${local.org_id}"

  spec {
    rules {
      enforce = "TRUE"
    }
  }
}

resource "google_org_policy_policy" "workbench_networks" {
  name   = "organizations/${local.org_id}/policies/ainotebooks.restrictVpcNetworks"
  parent = "organizations/${local.org_id}"

  spec {
    rules {
      values {
        allowed_values = [google_compute_network.ai_vpc.id]
      }
    }
  }
}
