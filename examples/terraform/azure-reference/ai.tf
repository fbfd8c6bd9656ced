# The AI accounts: OpenAI through azurerm, AI Services through azapi (the ARM body as the API takes it).

resource "azurerm_cognitive_account" "openai" {
  name                          = "oai-cordon"
  resource_group_name           = azurerm_resource_group.ai.name
  location                      = var.location
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = "oai-cordon"
  public_network_access_enabled = false
  local_auth_enabled            = false
  network_acls {
    default_action = "Deny"
  }
}

resource "azapi_resource" "ai_services" {
  type      = "Microsoft.CognitiveServices/accounts@2024-10-01"
  name      = "ais-cordon"
  parent_id = azurerm_resource_group.ai.id
  location  = var.location
  body = {
    kind = "AIServices"
    sku  = { name = "S0" }
    properties = {
      customSubDomainName = "ais-cordon"
      publicNetworkAccess = "Disabled"
      disableLocalAuth    = true
      networkAcls         = { defaultAction = "Deny" }
    }
  }
}

locals {
  endpoints = {
    oai = { target = azurerm_cognitive_account.openai.id, group = "account", zones = ["openai"] }
    ais = { target = azapi_resource.ai_services.id, group = "account", zones = ["cogsvc", "openai", "services"] }
  }
}

resource "azurerm_private_endpoint" "this" {
  for_each            = local.endpoints
  name                = "pe-${each.key}"
  resource_group_name = azurerm_resource_group.ai.name
  location            = var.location
  subnet_id           = azurerm_subnet.pe.id
  private_service_connection {
    name                           = "${each.key}-connection"
    private_connection_resource_id = each.value.target
    subresource_names              = [each.value.group]
    is_manual_connection           = false
  }
  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [for z in each.value.zones : azurerm_private_dns_zone.this[z].id]
  }
}
