# A second host network inside the perimeter that reaches Google APIs through the all-apis bundle and
# private.googleapis.com (not the VPC-SC restricted VIP); no firewall rule, so the implied allow-egress rule applies.
resource "google_compute_network" "batch" {
  name                            = "ai-batch"
  auto_create_subnetworks         = false
  delete_default_routes_on_create = true
}

resource "google_compute_subnetwork" "batch_inference" {
  name                     = "batch-inference"
  network                  = google_compute_network.batch.id
  ip_cidr_range            = "10.0.2.0/24"
  private_ip_google_access = true
}

resource "google_compute_global_address" "batch_apis" {
  name         = "batchapisip"
  address_type = "INTERNAL"
  purpose      = "PRIVATE_SERVICE_CONNECT"
  address      = "10.0.251.5"
  network      = google_compute_network.batch.id
}

resource "google_compute_global_forwarding_rule" "batch_apis" {
  name                  = "batchapis"
  target                = "all-apis"
  network               = google_compute_network.batch.id
  ip_address            = google_compute_global_address.batch_apis.id
  load_balancing_scheme = ""
}

resource "google_dns_managed_zone" "googleapis_batch" {
  name       = "googleapis-batch"
  dns_name   = "googleapis.com."
  visibility = "private"

  private_visibility_config {
    networks {
      network_url = google_compute_network.batch.self_link
    }
  }
}

resource "google_dns_record_set" "private_googleapis" {
  managed_zone = google_dns_managed_zone.googleapis_batch.name
  name         = "private.googleapis.com."
  type         = "A"
  ttl          = 300
  rrdatas      = ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]
}

resource "google_dns_record_set" "googleapis_wildcard" {
  managed_zone = google_dns_managed_zone.googleapis_batch.name
  name         = "*.googleapis.com."
  type         = "CNAME"
  ttl          = 300
  rrdatas      = ["private.googleapis.com."]
}
