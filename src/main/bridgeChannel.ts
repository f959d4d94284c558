/** The preload bridge's one IPC channel (kept free of imports: the preload bundles it). */
export const CONFIG_CHANNEL = 'antichambre:config';
