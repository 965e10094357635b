//! Signs request bodies the way Discord does: Ed25519 over `timestamp + body`, with the key whose
//! public half the bot is configured with.

use ed25519_dalek::{Signer as _, SigningKey};

/// The application id the bot is configured with.
pub const APPLICATION_ID: u64 = crate::fake_discord::FAKE_APPLICATION_ID;

/// The benchmark's signing key (a fixed seed: nothing secret).
fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

/// The hex public key for `DISCORD_PUBLIC_KEY`.
pub fn public_key_hex() -> String {
    hex::encode(signing_key().verifying_key().to_bytes())
}

/// `X-Signature-Ed25519` for `body` sent at `timestamp` (unix seconds as text).
pub fn sign(timestamp: &str, body: &[u8]) -> String {
    let mut message = Vec::with_capacity(timestamp.len() + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(body);
    hex::encode(signing_key().sign(&message).to_bytes())
}
