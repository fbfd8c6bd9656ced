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
