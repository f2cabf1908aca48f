package io.keyplane.apikey;

/** A freshly made key with its plain value, which exists only in this response. */
record IssuedKey(ApiKey entity, String plainKey) {
}
