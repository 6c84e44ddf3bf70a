/**
 * Per-IP shares of the transport: handshakes in progress, open connections and streams in flight. A peer
 * over its share is refused at the cheapest point (a handshake packet dropped, a stream reset before a
 * byte is read), so one address cannot take the server's CPU or memory from the others.
 */

export interface PeerLimits {
  /** Open QUIC connections per source IP. */
  connectionsPerIp: number;
  /** Handshakes per source IP begun and not finished (each counted at most HANDSHAKE_SLOT_MS). */
  handshakesPerIp: number;
  /** Streams being read, handled or answered at once per source IP (session streams excluded). */
  streamsPerIp: number;
  /** Concurrent bidirectional streams a connection may open (QUIC flow control, per connection). */
  streamsPerConnection: number;
}

/**
 * Generous enough for many people behind one NAT address (and for the bench's 250 loopback clients),
 * tight enough that one address holds a bounded share of memory (about 100 KiB per connection).
 */
export const DEFAULT_PEER_LIMITS: PeerLimits = {
  connectionsPerIp: 256,
  handshakesPerIp: 32,
  streamsPerIp: 256,
  streamsPerConnection: 32,
};

/** Most addresses shut out at once: bounds memory under a flood from many addresses. */
const MAX_SHUT_OUT = 100_000;

/** A handshake that never completes gives its slot back after this long. */
export const HANDSHAKE_SLOT_MS = 5_000;

/** `shut_out`: a handshake from an address serving a penalty for flooding (see shutOut). */
export type AdmissionRefusal = 'connections' | 'handshakes' | 'streams' | 'shut_out';

interface PeerState {
  connections: number;
  /** Start times of handshakes admitted and not yet finished. */
  handshakes: number[];
  streams: number;
}

export class PeerAdmission {
  private readonly peers = new Map<string, PeerState>();
  /** Addresses whose handshakes are dropped until the time given (kept apart: they hold no connection). */
  private readonly shutOutUntil = new Map<string, number>();

  constructor(
    private readonly limits: PeerLimits,
    private readonly deps: { now: () => number; onRefused?: (kind: AdmissionRefusal, host: string) => void },
  ) {}

  /** A validated handshake from `host` wants to start: admit it, or refuse (the packet is dropped). */
  admitHandshake(host: string): boolean {
    if (this.isShutOut(host)) return this.refuse(host, 'shut_out');
    const now = this.deps.now();
    const peer = this.peer(host);
    peer.handshakes = peer.handshakes.filter((started) => started > now - HANDSHAKE_SLOT_MS);
    if (peer.handshakes.length >= this.limits.handshakesPerIp) return this.refuse(host, 'handshakes');
    if (peer.connections + peer.handshakes.length >= this.limits.connectionsPerIp) {
      return this.refuse(host, 'connections');
    }
    peer.handshakes.push(now);
    return true;
  }

  /**
   * Drop every handshake from `host` for `penaltyMs` (its connections are closed by the listener). At
   * most MAX_SHUT_OUT addresses are held; past it the oldest penalty is forgotten first.
   */
  shutOut(host: string, penaltyMs: number): void {
    const now = this.deps.now();
    if (this.shutOutUntil.size >= MAX_SHUT_OUT) {
      for (const [address, until] of this.shutOutUntil) if (until <= now) this.shutOutUntil.delete(address);
      const oldest = this.shutOutUntil.keys().next();
      if (this.shutOutUntil.size >= MAX_SHUT_OUT && oldest.done !== true)
        this.shutOutUntil.delete(oldest.value);
    }
    this.shutOutUntil.delete(host); // re-inserted last, so eviction order stays oldest first
    this.shutOutUntil.set(host, now + penaltyMs);
  }

  /** True while `host` serves a penalty given by shutOut(). */
  isShutOut(host: string): boolean {
    const until = this.shutOutUntil.get(host);
    if (until === undefined) return false;
    if (until > this.deps.now()) return true;
    this.shutOutUntil.delete(host);
    return false;
  }

  /** The handshake finished: its slot becomes an open connection. */
  connectionOpened(host: string): void {
    const peer = this.peer(host);
    peer.handshakes.shift();
    peer.connections += 1;
  }

  connectionClosed(host: string): void {
    const peer = this.peers.get(host);
    if (peer === undefined) return;
    peer.connections = Math.max(0, peer.connections - 1);
    this.forgetIfIdle(host, peer);
  }

  /** A stream wants serving: true to serve it (then call streamFinished), false to reset it unread. */
  admitStream(host: string): boolean {
    // A shut-out address's connections are closing with a typed reason: its streams get no answer of their own.
    if (this.isShutOut(host)) return this.refuse(host, 'shut_out');
    const peer = this.peer(host);
    if (peer.streams >= this.limits.streamsPerIp) return this.refuse(host, 'streams');
    peer.streams += 1;
    return true;
  }

  streamFinished(host: string): void {
    const peer = this.peers.get(host);
    if (peer === undefined) return;
    peer.streams = Math.max(0, peer.streams - 1);
    this.forgetIfIdle(host, peer);
  }

  /** Number of addresses tracked (for tests). */
  get trackedPeers(): number {
    return this.peers.size;
  }

  private peer(host: string): PeerState {
    let peer = this.peers.get(host);
    if (peer === undefined) {
      peer = { connections: 0, handshakes: [], streams: 0 };
      this.peers.set(host, peer);
    }
    return peer;
  }

  private refuse(host: string, kind: AdmissionRefusal): false {
    this.deps.onRefused?.(kind, host);
    const peer = this.peers.get(host);
    if (peer !== undefined) this.forgetIfIdle(host, peer);
    return false;
  }

  private forgetIfIdle(host: string, peer: PeerState): void {
    if (peer.connections === 0 && peer.streams === 0 && peer.handshakes.length === 0) this.peers.delete(host);
  }
}
