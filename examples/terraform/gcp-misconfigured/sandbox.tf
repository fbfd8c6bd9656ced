# The workload project's own sandbox network: SSH open to the internet, Cloud NAT for every subnet with a default
# internet route, flow logs off (or sampled without metadata), Private Google Access off, a trainer VM with an
# external address, public Vertex AI endpoints and a notebook on the default network with a public IP.
locals {
  sandbox_project = google_project.workloads.project_id
}

resource "google_compute_network" "sandbox" {
  project                         = local.sandbox_project
  name                            = "ml-sandbox-vpc"
  auto_create_subnetworks         = false
  delete_default_routes_on_create = true
}

resource "google_compute_subnetwork" "ml_inference" {
  project       = local.sandbox_project
  name          = "ml-inference"
  network       = google_compute_network.sandbox.id
  ip_cidr_range = "10.0.2.128/25"
}

resource "google_compute_subnetwork" "ml_data" {
  project       = local.sandbox_project
  name          = "ml-data"
  network       = google_compute_network.sandbox.id
  ip_cidr_range = "10.0.3.128/25"

  log_config {
    aggregation_interval = "INTERVAL_10_MIN"
    flow_sampling        = 0.1
    metadata             = "EXCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_internal" {
  project       = local.sandbox_project
  name          = "default-allow-internal"
  network       = google_compute_network.sandbox.id
  priority      = 65534
  source_ranges = ["10.0.0.0/8"]

  allow {
    protocol = "tcp"
    ports    = ["0-65535"]
  }
  allow {
    protocol = "udp"
    ports    = ["0-65535"]
  }
  allow {
    protocol = "icmp"
  }
}

resource "google_compute_firewall" "allow_ssh" {
  project       = local.sandbox_project
  name          = "default-allow-ssh"
  network       = google_compute_network.sandbox.id
  priority      = 65534
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_route" "default_internet" {
  project          = local.sandbox_project
  name             = "default-route-ml-sandbox"
  network          = google_compute_network.sandbox.id
  dest_range       = "0.0.0.0/0"
  next_hop_gateway = "default-internet-gateway"
}

resource "google_compute_router" "sandbox" {
  project = local.sandbox_project
  name    = "ml-sandbox-router"
  network = google_compute_network.sandbox.id
}

resource "google_compute_router_nat" "sandbox" {
  project                            = local.sandbox_project
  name                               = "ml-sandbox-nat"
  router                             = google_compute_router.sandbox.name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}

resource "google_compute_instance" "trainer" {
  project      = local.sandbox_project
  name         = "ml-trainer-1"
  machine_type = "n1-standard-8"
  tags         = ["trainer"]
  labels       = { owner = "ml-research" }

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.ml_inference.self_link
    access_config {
      nat_ip = "34.72.10.20"
    }
  }

  service_account {
    email  = "100000000002-compute@developer.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

resource "google_vertex_ai_endpoint" "experiment" {
  project      = local.sandbox_project
  name         = "3234567890123456789"
  display_name = "experiment-llm"
  location     = "us-central1"
  labels       = { owner = "ml-research" }
}

resource "google_vertex_ai_index_endpoint" "experiment" {
  project                 = local.sandbox_project
  display_name            = "experiment-vectors"
  region                  = "us-central1"
  public_endpoint_enabled = true
}

resource "google_workbench_instance" "scratch" {
  project  = local.sandbox_project
  name     = "scratch-notebook"
  location = "us-central1-a"

  gce_setup {
    machine_type = "e2-standard-4"

    network_interfaces {
      network = "projects/ai-workloads/global/networks/default"
      subnet  = "projects/ai-workloads/regions/us-central1/subnetworks/default"
    }
  }
}
