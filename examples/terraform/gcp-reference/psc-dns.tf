# Google APIs through a Private Service Connect endpoint (vpc-sc bundle), named by a private googleapis.com zone.
resource "google_compute_global_address" "vertex_psc" {
  name         = "vertexpscip"
  address_type = "INTERNAL"
  purpose      = "PRIVATE_SERVICE_CONNECT"
  address      = local.psc_address
  network      = google_compute_network.ai_vpc.id
}

resource "google_compute_global_forwarding_rule" "vertex_psc" {
  name                  = "vertexpsc"
  target                = "vpc-sc"
  network               = google_compute_network.ai_vpc.id
  ip_address            = google_compute_global_address.vertex_psc.id
  load_balancing_scheme = ""
}

resource "google_dns_managed_zone" "googleapis" {
  name       = "googleapis-private"
  dns_name   = "googleapis.com."
  visibility = "private"

  private_visibility_config {
    networks {
      network_url = google_compute_network.ai_vpc.id
    }
  }

  cloud_logging_config {
    enable_logging = true
  }
}

resource "google_dns_record_set" "a" {
  for_each     = toset(["googleapis.com.", "aiplatform.googleapis.com.", "us-central1-aiplatform.googleapis.com."])
  managed_zone = google_dns_managed_zone.googleapis.name
  name         = each.key
  type         = "A"
  ttl          = 300
  rrdatas      = [local.psc_address]
}

resource "google_dns_record_set" "wildcard" {
  managed_zone = google_dns_managed_zone.googleapis.name
  name         = "*.googleapis.com."
  type         = "CNAME"
  ttl          = 300
  rrdatas      = ["googleapis.com."]
}

resource "google_dns_policy" "logging" {
  name           = "ai-vpc-logging"
  enable_logging = true

  networks {
    network_url = google_compute_network.ai_vpc.id
  }
}
