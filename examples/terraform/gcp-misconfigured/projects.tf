# The host and workload projects in the organization's AI folder, inside the enforced perimeter; the spoke project
# directly under the organization, only in a dry-run perimeter, with project-level policies that allow everything.
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

resource "google_project" "spoke" {
  project_id = "ai-spoke"
  name       = "AI spoke (team sandbox network)"
  org_id     = local.org_id
  labels     = { env = "dev" }
}

locals {
  services = {
    host      = ["compute.googleapis.com", "dns.googleapis.com"]
    workloads = ["aiplatform.googleapis.com", "notebooks.googleapis.com", "storage.googleapis.com", "compute.googleapis.com"]
    spoke     = ["aiplatform.googleapis.com", "compute.googleapis.com", "storage.googleapis.com"]
  }
  projects = {
    host      = google_project.host.project_id
    workloads = google_project.workloads.project_id
    spoke     = google_project.spoke.project_id
  }
}

resource "google_project_service" "enabled" {
  for_each = merge([for p, list in local.services : { for s in list : "${p}/${s}" => { project = local.projects[p], service = s } }]...)
  project  = each.value.project
  service  = each.value.service
}

resource "google_access_context_manager_service_perimeter" "ai" {
  parent = local.access_policy
  name   = "${local.access_policy}/servicePerimeters/ai_perimeter"
  title  = "ai_perimeter"

  status {
    resources           = ["projects/${google_project.host.number}", "projects/${google_project.workloads.number}"]
    restricted_services = ["aiplatform.googleapis.com", "notebooks.googleapis.com", "storage.googleapis.com", "bigquery.googleapis.com"]

    vpc_accessible_services {
      enable_restriction = true
      allowed_services   = ["RESTRICTED-SERVICES"]
    }
  }
}

# The spoke is only in the dry-run configuration of its rollout perimeter: nothing is enforced for it.
resource "google_access_context_manager_service_perimeter" "spoke_rollout" {
  parent                    = local.access_policy
  name                      = "${local.access_policy}/servicePerimeters/ai_spoke_rollout"
  title                     = "ai_spoke_rollout"
  use_explicit_dry_run_spec = true

  spec {
    resources           = ["projects/${google_project.spoke.number}"]
    restricted_services = ["aiplatform.googleapis.com", "storage.googleapis.com"]
  }
}

resource "google_org_policy_policy" "org" {
  for_each = {
    "compute.vmExternalIpAccess"      = { deny_all = "TRUE", enforce = null, allowed = null }
    "ainotebooks.restrictPublicIp"    = { deny_all = null, enforce = "TRUE", allowed = null }
    "ainotebooks.restrictVpcNetworks" = { deny_all = null, enforce = null, allowed = ["projects/ai-net-host/global/networks/ai-vpc"] }
  }
  name   = "organizations/${local.org_id}/policies/${each.key}"
  parent = "organizations/${local.org_id}"

  spec {
    rules {
      deny_all = each.value.deny_all
      enforce  = each.value.enforce
      dynamic "values" {
        for_each = each.value.allowed == null ? [] : [each.value.allowed]
        content {
          allowed_values = values.value
        }
      }
    }
  }
}

# The spoke's own policies replace the organization's: external IPs allowed, the public-IP rule reset to the default
# (enforced only in dry run), and every network allowed for notebooks.
resource "google_org_policy_policy" "spoke_vm_external_ip" {
  name   = "projects/${google_project.spoke.project_id}/policies/compute.vmExternalIpAccess"
  parent = "projects/${google_project.spoke.project_id}"

  spec {
    rules {
      allow_all = "TRUE"
    }
  }
}

resource "google_org_policy_policy" "spoke_workbench_public_ip" {
  name   = "projects/${google_project.spoke.project_id}/policies/ainotebooks.restrictPublicIp"
  parent = "projects/${google_project.spoke.project_id}"

  spec {
    reset = true
  }

  dry_run_spec {
    rules {
      enforce = "TRUE"
    }
  }
}

resource "google_org_policy_policy" "spoke_workbench_networks" {
  name   = "projects/${google_project.spoke.project_id}/policies/ainotebooks.restrictVpcNetworks"
  parent = "projects/${google_project.spoke.project_id}"

  spec {
    inherit_from_parent = true
    rules {
      allow_all = "TRUE"
    }
  }
}
