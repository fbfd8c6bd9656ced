/** The Terraform every Azure IaC test starts from: provider, resource group, VNet 10.0.0.0/16, subnets by name. */
export function azureTerraformBase(subnets: Record<string, string>): string {
  const map = Object.entries(subnets)
    .map(([name, prefix]) => `${name} = "${prefix}"`)
    .join(', ');
  return `
provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000001"
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-ai"
  location = "eastus"
}
resource "azurerm_virtual_network" "v" {
  name                = "vnet-ai"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "eastus"
  address_space       = ["10.0.0.0/16"]
}
resource "azurerm_subnet" "s" {
  for_each             = { ${map} }
  name                 = "snet-\${each.key}"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = [each.value]
}
`;
}

/**
 * An OpenAI account (custom subdomain oai-ref, public access off) in subscription 1111…, with the inference VNet
 * 10.0.0.0/16 and its endpoint subnet 10.0.1.0/24: where the Azure private endpoint DNS tests start.
 */
export const OPENAI_ACCOUNT_TERRAFORM = `
provider "azurerm" {
  features {}
  subscription_id = "11111111-1111-1111-1111-111111111111"
}
resource "azurerm_resource_group" "ai" {
  name     = "rg-ai"
  location = "swedencentral"
}
resource "azurerm_virtual_network" "ai" {
  name                = "vnet-ai"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  address_space       = ["10.0.0.0/16"]
  tags                = { SecurityZone = "inference" }
}
resource "azurerm_subnet" "pe" {
  name                 = "snet-inference"
  resource_group_name  = azurerm_resource_group.ai.name
  virtual_network_name = azurerm_virtual_network.ai.name
  address_prefixes     = ["10.0.1.0/24"]
}
resource "azurerm_cognitive_account" "oai" {
  name                          = "oai-ref"
  location                      = azurerm_resource_group.ai.location
  resource_group_name           = azurerm_resource_group.ai.name
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = "oai-ref"
  public_network_access_enabled = false
}
`;
