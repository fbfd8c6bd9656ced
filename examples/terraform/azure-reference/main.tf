# A reduced version of examples/azure/reference as Terraform (azurerm and azapi): the AI spoke vnet-ai with its
# inference subnet (egress through the hub firewall at 10.0.0.4) and private-endpoint subnet, the OpenAI account
# (azurerm) and an AI Services account (azapi, ARM body) private with approved endpoints, their privatelink zones
# linked to the VNet, NSGs that admit 443 to the endpoints only from the inference subnet, and a VNet flow log.

terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm" }
    azapi   = { source = "azure/azapi" }
  }
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

variable "subscription_id" {
  type    = string
  default = "11111111-1111-1111-1111-111111111111"
}

variable "location" {
  type    = string
  default = "swedencentral"
}

locals {
  inference_prefix = "10.1.2.0/24"
  zones = {
    openai   = "privatelink.openai.azure.com"
    cogsvc   = "privatelink.cognitiveservices.azure.com"
    services = "privatelink.services.ai.azure.com"
  }
}

resource "azurerm_resource_group" "ai" {
  name     = "rg-cordon-ai"
  location = var.location
}

resource "azurerm_virtual_network" "ai" {
  name                = "vnet-ai"
  resource_group_name = azurerm_resource_group.ai.name
  location            = var.location
  address_space       = ["10.1.0.0/16"]
}

resource "azurerm_network_security_group" "inference" {
  name                = "nsg-inference"
  resource_group_name = azurerm_resource_group.ai.name
  location            = var.location
  tags                = { SecurityZone = "inference" }
}

resource "azurerm_network_security_group" "pe" {
  name                = "nsg-pe"
  resource_group_name = azurerm_resource_group.ai.name
  location            = var.location
  security_rule {
    name                       = "allow-https-callers"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = local.inference_prefix
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "443"
  }
}

# Everything else is denied to the endpoints, as a separate rule resource.
resource "azurerm_network_security_rule" "pe_deny_vnet" {
  name                        = "deny-vnet"
  resource_group_name         = azurerm_resource_group.ai.name
  network_security_group_name = azurerm_network_security_group.pe.name
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_address_prefix       = "VirtualNetwork"
  source_port_range           = "*"
  destination_address_prefix  = "*"
  destination_port_range      = "*"
}

resource "azurerm_subnet" "inference" {
  name                            = "snet-inference"
  resource_group_name             = azurerm_resource_group.ai.name
  virtual_network_name            = azurerm_virtual_network.ai.name
  address_prefixes                = [local.inference_prefix]
  default_outbound_access_enabled = false
}

resource "azurerm_subnet" "pe" {
  name                              = "snet-pe"
  resource_group_name               = azurerm_resource_group.ai.name
  virtual_network_name              = azurerm_virtual_network.ai.name
  address_prefixes                  = ["10.1.1.0/24"]
  private_endpoint_network_policies = "Enabled"
  default_outbound_access_enabled   = false
}

resource "azurerm_subnet_network_security_group_association" "inference" {
  subnet_id                 = azurerm_subnet.inference.id
  network_security_group_id = azurerm_network_security_group.inference.id
}

resource "azurerm_subnet_network_security_group_association" "pe" {
  subnet_id                 = azurerm_subnet.pe.id
  network_security_group_id = azurerm_network_security_group.pe.id
}

resource "azurerm_route_table" "inference" {
  name                = "rt-inference"
  resource_group_name = azurerm_resource_group.ai.name
  location            = var.location
  route {
    name                   = "default-via-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.0.4"
  }
}

resource "azurerm_subnet_route_table_association" "inference" {
  subnet_id      = azurerm_subnet.inference.id
  route_table_id = azurerm_route_table.inference.id
}

resource "azurerm_private_dns_zone" "this" {
  for_each            = local.zones
  name                = each.value
  resource_group_name = azurerm_resource_group.ai.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "ai" {
  for_each              = local.zones
  name                  = "link-vnet-ai"
  resource_group_name   = azurerm_resource_group.ai.name
  private_dns_zone_name = azurerm_private_dns_zone.this[each.key].name
  virtual_network_id    = azurerm_virtual_network.ai.id
}

resource "azurerm_network_watcher_flow_log" "ai" {
  name                 = "fl-vnet-ai"
  network_watcher_name = "NetworkWatcher_swedencentral"
  resource_group_name  = "NetworkWatcherRG"
  target_resource_id   = azurerm_virtual_network.ai.id
  storage_account_id   = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-cordon-logs/providers/Microsoft.Storage/storageAccounts/stflowlogs1111"
  enabled              = true
  version              = 2
  retention_policy {
    enabled = true
    days    = 30
  }
}
