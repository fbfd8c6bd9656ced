# Workloads in the service project, on the host project's subnets (Shared VPC). No access_config: no external address.
locals {
  instances = {
    "app-1"             = "application"
    "inference-proxy-1" = "inference"
    "vector-db-1"       = "data"
    "secrets-relay-1"   = "management"
    "sandbox-runner-1"  = "sandbox"
  }
}

resource "google_compute_instance" "workload" {
  for_each     = local.instances
  project      = "ai-workloads"
  name         = each.key
  machine_type = "e2-standard-4"
  tags         = [each.value]
  labels = {
    owner         = "ml-platform"
    security-zone = each.value
  }

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.zone[each.value].self_link
  }

  service_account {
    email  = "${each.value}-sa@ai-workloads.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}
