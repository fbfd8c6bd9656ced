/**
 * The network interfaces Azure creates for resources infrastructure as code declares: one per private endpoint, in
 * its subnet (a snapshot lists it as `<endpoint>.nic.<guid>`; the IaC id is `<endpoint>.nic`), so `cordon verify` has the endpoints as destinations. Its addresses are the
 * endpoint's static IP configurations when the code gives them, else one configuration whose address Azure picks at
 * deploy (the verifier stands it for every address of the subnet: src/verify/deploy-addresses.ts). Shared by the ARM
 * (and so Bicep) reader and the Terraform azurerm mapper; run after the inventory is read.
 */
import { azureIdKey, type AzureInventory } from '../../inventory/azure.js';

export function privateEndpointInterfaces(inv: AzureInventory): void {
  const nics = new Set(inv.networkInterfaces.map((n) => azureIdKey(n.id)));
  for (const pe of inv.privateEndpoints) {
    if (!pe.subnetId || pe.networkInterfaceIds.length > 0) continue;
    const name = `${pe.name}.nic`;
    const id = `/subscriptions/${pe.subscription}/resourceGroups/${pe.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${name}`;
    if (nics.has(azureIdKey(id))) continue;
    const statics = pe.ipConfigurations.flatMap((c) => (c.privateIpAddress ? [c.privateIpAddress] : []));
    const addresses: (string | undefined)[] = statics.length > 0 ? statics : [undefined];
    const pointer = (pe.origin.kind === 'file' ? pe.origin.pointer : undefined) ?? '';
    inv.networkInterfaces.push({
      id,
      name,
      subscription: pe.subscription,
      location: pe.location,
      resourceGroup: pe.resourceGroup,
      origin: pe.origin,
      tags: {},
      ipConfigurations: addresses.map((a, i) => ({
        ...(a ? { privateIpAddress: a } : {}),
        subnetId: pe.subnetId!,
        pointer: `${pointer}/properties/ipConfigurations/${i}`,
      })),
      privateEndpointId: pe.id,
    });
    pe.networkInterfaceIds.push(id);
  }
}
