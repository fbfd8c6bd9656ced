# The spoke's own network (ranges overlap the hub's, so it is not peered): no Private Service Connect endpoint, no
# route to the Google API ranges, Private Google Access and flow logs off, no DNS query logging; seed 001's
# aiplatform.googleapis.com zone answering a stale address, and a googleapis.com zone that was meant to be private.
resource "google_compute_network" "spoke" {
  project                         = google_project.spoke.project_id
  name                            = "spoke-vpc"
  auto_create_subnetworks         = false
  delete_default_routes_on_create = true
}

resource "google_compute_subnetwork" "spoke_inference" {
  project       = google_project.spoke.project_id
  name          = "spoke-inference"
  region        = "europe-west4"
  network       = google_compute_network.spoke.id
  ip_cidr_range = "10.0.2.0/24"
}

resource "google_dns_managed_zone" "aiplatform_spoke" {
  project    = google_project.spoke.project_id
  name       = "aiplatform-spoke"
  dns_name   = "aiplatform.googleapis.com."
  visibility = "private"

  private_visibility_config {
    networks {
      network_url = google_compute_network.spoke.self_link
    }
  }
}

resource "google_dns_record_set" "aiplatform_spoke" {
  for_each     = { "aiplatform.googleapis.com." = ["A", "10.9.0.5"], "*.aiplatform.googleapis.com." = ["CNAME", "aiplatform.googleapis.com."] }
  project      = google_project.spoke.project_id
  managed_zone = google_dns_managed_zone.aiplatform_spoke.name
  name         = each.key
  type         = each.value[0]
  ttl          = 300
  rrdatas      = [each.value[1]]
}

resource "google_dns_managed_zone" "googleapis_public" {
  project  = google_project.spoke.project_id
  name     = "googleapis-public"
  dns_name = "googleapis.com."
}
