/**
 * Where the refresh token lives between app starts. The access token stays in memory only. Implement this for any
 * store: a React Native app wraps its secure store (see docs/sdk.md: expo-secure-store or react-native-keychain).
 */
export interface TokenStorage {
  get(): Promise<string | null> | string | null;
  set(refreshToken: string): Promise<void> | void;
  clear(): Promise<void> | void;
}

/** Forgets on reload: tests, servers, or apps that sign in every time. */
export class MemoryTokenStorage implements TokenStorage {
  private value: string | null = null;
  get() {
    return this.value;
  }
  set(refreshToken: string) {
    this.value = refreshToken;
  }
  clear() {
    this.value = null;
  }
}

/** A `localStorage`-like store (browsers). Anything readable by page scripts is exposed to XSS: prefer short sessions. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class LocalStorageTokenStorage implements TokenStorage {
  constructor(
    private readonly key = "spotlight.refreshToken",
    private readonly store: KeyValueStore = (globalThis as { localStorage?: KeyValueStore }).localStorage!,
  ) {
    if (!store) throw new Error("LocalStorageTokenStorage: no localStorage here; pass a store or use MemoryTokenStorage");
  }
  get() {
    return this.store.getItem(this.key);
  }
  set(refreshToken: string) {
    this.store.setItem(this.key, refreshToken);
  }
  clear() {
    this.store.removeItem(this.key);
  }
}

/**
 * Adapts an async secure store with `getItemAsync`/`setItemAsync`/`deleteItemAsync` (the shape of `expo-secure-store`)
 * without depending on it: `new SecureStoreTokenStorage(SecureStore)`.
 */
export interface AsyncSecureStore {
  getItemAsync(key: string): Promise<string | null>;
  setItemAsync(key: string, value: string): Promise<void>;
  deleteItemAsync(key: string): Promise<void>;
}

export class SecureStoreTokenStorage implements TokenStorage {
  constructor(private readonly store: AsyncSecureStore, private readonly key = "spotlight.refreshToken") {}
  get() {
    return this.store.getItemAsync(this.key);
  }
  set(refreshToken: string) {
    return this.store.setItemAsync(this.key, refreshToken);
  }
  clear() {
    return this.store.deleteItemAsync(this.key);
  }
}
