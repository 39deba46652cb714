import type { CryptoKey, FlattenedJWSInput, JWSHeaderParameters } from 'jose';
import type { AccessPrincipal } from './access-principal.js';
import type { KeyResolver } from './jwks-source.js';

/** A token that verified: what it grants, the key that verified it, until when. */
interface VerifiedToken {
  readonly principal: AccessPrincipal;
  readonly header: JWSHeaderParameters;
  readonly key: CryptoKey;
  /** `exp`, in seconds since the epoch. */
  readonly exp: number;
}

/**
 * Tokens that verified, by their exact text (signature included): a client sends the same token
 * with every request until it expires, and a signature check costs far more than the rest of a
 * read. An entry is used again only while the token has not expired (same tolerance as the full
 * check) and while the key set still gives the very key that verified it: a key removed or
 * replaced by a rotation stops its tokens at once, as without the cache.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('the verified-token cache needs a positive whole number of entries');
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The principal of `token` if it verified before and still holds; undefined: verify it. */
  async lookup(
    token: string,
    keys: KeyResolver,
    nowSeconds: number,
    toleranceSeconds: number,
  ): Promise<AccessPrincipal | undefined> {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.exp <= nowSeconds - toleranceSeconds || !(await stillTheKey(entry, token, keys))) {
      this.entries.delete(token);
      return undefined;
    }
    this.entries.delete(token);
    this.entries.set(token, entry);
    return entry.principal;
  }

  remember(token: string, entry: VerifiedToken): void {
    this.entries.delete(token);
    this.entries.set(token, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}

/** Whether the key set still resolves the token's header to the key that verified it. */
async function stillTheKey(entry: VerifiedToken, token: string, keys: KeyResolver): Promise<boolean> {
  const [protectedHeader = '', payload = '', signature = ''] = token.split('.');
  const flattened: FlattenedJWSInput = { protected: protectedHeader, payload, signature };
  try {
    return (await keys(entry.header, flattened)) === entry.key;
  } catch {
    return false;
  }
}
