//! JSON string literals: where a string's text stops being plain, and the
//! text written as a literal. Shared by the JSON reader and the JSON report.

/// How many bytes of `bytes` come before the first one a JSON string
/// cannot hold as it is: a quote, a backslash or a control character.
/// Eight bytes are tested at a time: most strings hold none.
pub fn plain_len(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `word` below `limit` (or zero, for
    // `limit` 1). Borrows can mark bytes above a marked one, never below:
    // the lowest mark is exact.
    let below = |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGH;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let marks = below(word, 0x20)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .unwrap_or(bytes.len() - at)
}

/// Appends `text` as a JSON string, escaped as `serde_json` escapes it:
/// quotes, backslashes and control characters; `\b \f \n \r \t` short, the
/// others as `\u00xx`.
pub fn write_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut done = 0;
    loop {
        let plain = plain_len(&bytes[done..]);
        out.extend_from_slice(&bytes[done..done + plain]);
        done += plain;
        let Some(&b) = bytes.get(done) else {
            break;
        };
        done += 1;
        let short = match b {
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0..=0x1f => b'u',
            quote_or_backslash => quote_or_backslash,
        };
        out.push(b'\\');
        out.push(short);
        if short == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_runs_end_at_the_first_byte_to_escape() {
        for len in 0..20 {
            for at in 0..=len {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                    let mut bytes = vec![b'a'; len];
                    if at < len {
                        bytes[at] = special;
                        // Bytes after the first one to escape do not move it.
                        for later in bytes.iter_mut().skip(at + 1).step_by(3) {
                            *later = b'"';
                        }
                    }
                    assert_eq!(plain_len(&bytes), at, "{bytes:?}");
                }
            }
        }
        // Bytes just above a control character and non-ASCII text are plain.
        assert_eq!(
            plain_len(" !#[]~\u{7f}é€ text".as_bytes()),
            " !#[]~\u{7f}é€ text".len()
        );
    }
}
