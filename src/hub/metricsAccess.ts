import { BlockList, isIP } from 'node:net';

/**
 * Who may read `/metrics`: with a token, requests that carry it (`Authorization: Bearer`, as
 * Prometheus's `authorization` setting sends it); with networks, requests from them; with both,
 * either is enough. Neither configured: the loopback only (a Prometheus or agent on the hub's
 * machine), never the whole network.
 */
export interface MetricsAccess {
  token?: string;
  /** Addresses or CIDR blocks, IPv4 or IPv6 (`10.0.0.0/8`, `192.168.1.20`, `fd00::/8`). */
  allow?: string[];
}

export const LOOPBACK_NETWORKS = ['127.0.0.0/8', '::1/128'];

/** A network list parsed once; throws an error naming the bad entry. */
export function networkList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.trim().split('/');
    const family = isIP(address ?? '');
    if (family === 0 || extra !== undefined) throw new Error(`metrics: "${entry}" is not an address or a CIDR block (like 10.0.0.0/8 or fd00::/8)`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(address!, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`metrics: "${entry}": prefix length ${bits} out of range`);
    list.addSubnet(address!, prefix, type);
  }
  return list;
}

/** Whether an address (as Node gives it, IPv4-mapped IPv6 included) is in the list. */
export function addressAllowed(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return list.check(mapped, 'ipv4');
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
