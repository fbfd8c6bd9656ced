# The way in for users: a global external Application Load Balancer (HTTPS on 443) in the service project, in front
# of an unmanaged instance group holding app-1. The Google Front Ends connect to the backend from 35.191.0.0/16 and
# 130.211.0.0/22, which the host network admits to the application tier on the backend port (and nothing else does).
resource "google_compute_firewall" "allow_gfe_to_application" {
  name          = "allow-gfe-to-application"
  network       = google_compute_network.ai_vpc.self_link
  direction     = "INGRESS"
  source_ranges = ["35.191.0.0/16", "130.211.0.0/22"]
  target_tags   = ["application"]

  allow {
    protocol = "tcp"
    ports    = ["443"]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_instance_group" "app" {
  project   = "ai-workloads"
  name      = "app-ig"
  zone      = "us-central1-a"
  network   = google_compute_network.ai_vpc.id
  instances = [google_compute_instance.workload["app-1"].id]

  named_port {
    name = "https"
    port = 443
  }
}

resource "google_compute_backend_service" "app" {
  project               = "ai-workloads"
  name                  = "app-backend"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  port_name             = "https"
  health_checks         = ["projects/ai-workloads/global/healthChecks/app-https"]

  backend {
    group = google_compute_instance_group.app.id
  }
}

resource "google_compute_url_map" "app" {
  project         = "ai-workloads"
  name            = "app-map"
  default_service = google_compute_backend_service.app.id
}

resource "google_compute_target_https_proxy" "app" {
  project          = "ai-workloads"
  name             = "app-https-proxy"
  url_map          = google_compute_url_map.app.id
  ssl_certificates = ["projects/ai-workloads/global/sslCertificates/app-cert"]
}

resource "google_compute_global_forwarding_rule" "app" {
  project               = "ai-workloads"
  name                  = "app-https"
  ip_address            = "34.120.10.20"
  ip_protocol           = "TCP"
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  target                = google_compute_target_https_proxy.app.id
}
