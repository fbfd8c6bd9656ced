# Vertex AI reached only through Private Service Connect, and a Workbench notebook without a public IP on the
# inference subnet (both in the service project).
resource "google_vertex_ai_endpoint" "rag_llm" {
  project      = "ai-workloads"
  name         = "1234567890123456789"
  display_name = "rag-llm"
  location     = "us-central1"
  labels       = { security-zone = "inference" }

  private_service_connect_config {
    enable_private_service_connect = true
    project_allowlist              = ["ai-workloads", "ai-net-host"]
  }
}

resource "google_vertex_ai_index_endpoint" "rag_vectors" {
  project                 = "ai-workloads"
  display_name            = "rag-vectors"
  region                  = "us-central1"
  public_endpoint_enabled = false

  private_service_connect_config {
    enable_private_service_connect = true
    project_allowlist              = ["ai-workloads", "ai-net-host"]
  }
}

resource "google_workbench_instance" "ml_notebook" {
  project  = "ai-workloads"
  name     = "ml-notebook"
  location = "us-central1-a"
  labels   = { security-zone = "inference" }

  gce_setup {
    machine_type      = "e2-standard-4"
    disable_public_ip = true
    tags              = ["inference"]

    network_interfaces {
      network = google_compute_network.ai_vpc.id
      subnet  = google_compute_subnetwork.zone["inference"].id
    }

    service_account {
      email = "inference-sa@ai-workloads.iam.gserviceaccount.com"
    }
  }
}
