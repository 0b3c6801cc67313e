//! Actions secrets are uploaded encrypted with the repository's public key using libsodium's
//! sealed box (`crypto_box_seal`), as GitHub requires; the plaintext never leaves this process.

use crate::error::{Error, ErrorKind};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use crypto_box::aead::OsRng;
use crypto_box::PublicKey;

/// `base64(crypto_box_seal(plaintext, base64_decode(public_key_b64)))`.
pub fn seal_secret(public_key_b64: &str, plaintext: &str) -> Result<String, Error> {
    let bad_key = |why: &str| {
        Error::new(
            ErrorKind::Decode,
            format!("the repository's secret public key is unusable: {why}"),
        )
        .with_hint("try again; if it persists, report it (GitHub sent an unexpected key)")
    };
    let key_bytes = STANDARD
        .decode(public_key_b64.trim())
        .map_err(|_| bad_key("not base64"))?;
    let key = PublicKey::from_slice(&key_bytes).map_err(|_| bad_key("not 32 bytes"))?;
    let sealed = key
        .seal(&mut OsRng, plaintext.as_bytes())
        .map_err(|_| bad_key("encryption failed"))?;
    Ok(STANDARD.encode(sealed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_box::SecretKey;

    #[test]
    fn sealed_value_opens_with_the_private_key() {
        let secret = SecretKey::generate(&mut OsRng);
        let public_b64 = STANDARD.encode(secret.public_key().as_bytes());
        let sealed = seal_secret(&public_b64, "ghp_CANARY_seal").unwrap();
        let opened = secret.unseal(&STANDARD.decode(sealed).unwrap()).unwrap();
        assert_eq!(opened, b"ghp_CANARY_seal");
    }

    #[test]
    fn bad_keys_are_decode_errors() {
        assert_eq!(seal_secret("%%%", "x").unwrap_err().kind, ErrorKind::Decode);
        assert_eq!(
            seal_secret(&STANDARD.encode([1u8; 5]), "x")
                .unwrap_err()
                .kind,
            ErrorKind::Decode
        );
    }
}
