# azure-reference with the mistakes of examples/azure/misconfigured: an NSG rule on the endpoint subnet that admits
# HTTPS from anywhere ahead of the callers-only rule, endpoint network policies off (no NSG filters the endpoints),
# the inference subnet without a route to the firewall and with default outbound access, an NSG rule that allows
# outbound Internet from the inference zone, and no flow log.

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
  default = "22222222-2222-2222-2222-222222222222"
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
  security_rule {
    name                       = "allow-internet-out"
    priority                   = 100
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "*"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_address_prefix = "Internet"
    destination_port_range     = "*"
  }
}

resource "azurerm_network_security_group" "pe" {
  name                = "nsg-pe"
  resource_group_name = azurerm_resource_group.ai.name
  location            = var.location
  security_rule {
    name                       = "allow-https-any"
    priority                   = 90
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "443"
  }
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
}

resource "azurerm_subnet" "pe" {
  name                              = "snet-pe"
  resource_group_name               = azurerm_resource_group.ai.name
  virtual_network_name              = azurerm_virtual_network.ai.name
  address_prefixes                  = ["10.1.1.0/24"]
  private_endpoint_network_policies = "Disabled"
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
