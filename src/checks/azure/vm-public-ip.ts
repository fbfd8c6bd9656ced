import { azureIdKey, findById, type AzureNetworkInterface } from '../../inventory/azure.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-vm-public-ip',
  title: 'Virtual machine in a zoned network has a public IP (jump box without Bastion)',
  severity: 'high',
  service: 'compute',
  resourceType: 'Microsoft.Compute/virtualMachines',
  rationale:
    'Seed 002: management goes through a jump box reached by Azure Bastion, never through public IPs on hosts. A VM in any zone of the policy (inference, data, management, …) with a public IP is reachable from the internet whatever the private endpoints do, and a jump box with its own public IP is the opposite of the Bastion pattern. A VM in the management zone is also checked for a Bastion that can reach it: one in its VNet, or a Basic, Standard or Premium Bastion in a peered VNet (a Developer-SKU Bastion serves only its own VNet).',
  remediation: {
    text: 'Remove the public IP from the NIC and reach the VM through Azure Bastion (Standard SKU in the hub for peered spokes).',
    snippet: {
      language: 'azurecli',
      code: 'az network nic ip-config update -g RG --nic-name NIC -n ipconfig1 --remove publicIpAddress',
    },
  },
  references: [
    'https://learn.microsoft.com/azure/bastion/bastion-overview',
    'https://learn.microsoft.com/azure/bastion/vnet-peering',
  ],
  seeds: ['002: Jump box and Azure Bastion for management access', '002: No public IPs on AI hosts'],
  requires: ['compute:virtual-machines', 'network:network-interfaces', 'network:virtual-networks'],
  looksUp: ['network:bastion-hosts'],
  run(ctx) {
    const nics = new Map(ctx.inventory.networkInterfaces.map((n) => [azureIdKey(n.id), n]));
    const vnetOfSubnet = (id: string) => findById(ctx.inventory.subnets, id)?.vnetId;
    const peers = (vnetId: string) =>
      new Set(
        ctx.inventory.vnetPeerings
          .filter(
            (p) =>
              azureIdKey(p.vnetId) === azureIdKey(vnetId) &&
              p.remoteVirtualNetworkId &&
              (p.peeringState ?? 'Connected') === 'Connected',
          )
          .map((p) => azureIdKey(p.remoteVirtualNetworkId!)),
      );
    const out: AzureCheckResult[] = [];
    for (const vm of [...ctx.own.virtualMachines].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      const own = vm.networkInterfaceIds
        .map((id) => nics.get(azureIdKey(id)))
        .filter((n): n is AzureNetworkInterface => !!n);
      const configs = own.flatMap((n) => n.ipConfigurations.map((c) => ({ n, c })));
      const zones = [
        ...new Set(
          configs
            .map(
              ({ n, c }) =>
                ctx.zones.networkInterface(n.id)?.zone ?? (c.subnetId ? ctx.zones.subnet(c.subnetId)?.zone : undefined),
            )
            .filter((z): z is string => !!z),
        ),
      ];
      const base = {
        resource: { id: vm.id, type: 'Microsoft.Compute/virtualMachines' },
        location: vm.location,
        origin: vm.origin,
      };
      // Checked before the zone: a missing NIC may be the one that places the VM in a zone.
      if (own.length < vm.networkInterfaceIds.length) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `VM ${vm.name}: some of its NICs are not in the snapshot`,
        });
        continue;
      }
      if (zones.length === 0) continue; // not in a zoned network
      const publicIps = configs
        .filter(({ c }) => c.publicIpAddressId)
        .map(({ c }) => c.publicIpAddressId!.split('/').pop());
      const problems = publicIps.length ? [`has public IP(s) ${publicIps.join(', ')}`] : [];
      if (zones.includes('management')) {
        const vnets = [
          ...new Set(
            configs.map(({ c }) => (c.subnetId ? vnetOfSubnet(c.subnetId) : undefined)).filter((v): v is string => !!v),
          ),
        ];
        const reachable = ctx.inventory.bastionHosts.some((b) => {
          if (!b.virtualNetworkId) return false;
          const bv = azureIdKey(b.virtualNetworkId);
          if (vnets.some((v) => azureIdKey(v) === bv)) return true;
          // Microsoft's SKU table: every SKU but Developer connects to VMs in peered VNets.
          return (b.sku ?? 'Basic').toLowerCase() !== 'developer' && vnets.some((v) => peers(v).has(bv));
        });
        if (!reachable)
          problems.push(
            'is a management host that no Bastion can reach (none in its VNet, no Basic/Standard/Premium Bastion in a peered VNet)',
          );
      }
      out.push({
        ...base,
        status: problems.length ? 'fail' : 'pass',
        message: problems.length
          ? `VM ${vm.name} (${zones.join(', ')}) ${problems.join(' and ')}`
          : `VM ${vm.name} (${zones.join(', ')}) has no public IP${zones.includes('management') ? ' and is reached through Bastion' : ''}`,
      });
    }
    return out;
  },
});
