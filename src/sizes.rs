//! Message sizes as nccl-tests writes them: `32K`, `16G`, ranges `32K:16G`
//! (doubling, as nccl-tests' default `-f 2`), lists `1M,4M`. Suffixes are
//! powers of 1024.

/// A size or size list that does not parse. Fatal: bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid size `{value}`: {why}; expected bytes with an optional K, M, G or T suffix (powers of 1024), e.g. 32K or 16G, a range 32K:16G (doubling) or a list 1M,4M"
)]
pub struct SizeError {
    /// The offending text.
    pub value: String,
    /// What is wrong with it.
    pub why: String,
}

fn err(value: &str, why: &str) -> SizeError {
    SizeError { value: value.to_owned(), why: why.to_owned() }
}

/// One size in bytes.
pub fn parse_size(text: &str) -> Result<u64, SizeError> {
    let t = text.trim();
    let (digits, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'B' => 0,
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(err(text, &format!("unknown suffix `{c}`"))),
            };
            (&t[..i], 1u64 << shift)
        }
        Some(_) => (t, 1),
        None => return Err(err(text, "empty")),
    };
    let n: u64 = digits.trim().parse().map_err(|_| err(text, "not a whole number"))?;
    let bytes = n.checked_mul(mult).ok_or_else(|| err(text, "too large"))?;
    if bytes == 0 {
        return Err(err(text, "a message needs at least one byte"));
    }
    Ok(bytes)
}

/// A list of sizes: `a`, `a:b` (doubling from a to b), or comma-separated.
pub fn parse_sizes(text: &str) -> Result<Vec<u64>, SizeError> {
    let mut out = Vec::new();
    for part in text.split(',') {
        match part.split_once(':') {
            Some((lo, hi)) => {
                let (lo, hi) = (parse_size(lo)?, parse_size(hi)?);
                if lo > hi {
                    return Err(err(part, "range runs backwards"));
                }
                let mut s = lo;
                while s <= hi {
                    out.push(s);
                    s = match s.checked_mul(2) {
                        Some(next) => next,
                        None => break,
                    };
                }
            }
            None => out.push(parse_size(part)?),
        }
    }
    if out.len() > 4096 {
        return Err(err(text, "more than 4096 sizes"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_are_binary() {
        assert_eq!(parse_size("32K"), Ok(32 * 1024));
        assert_eq!(parse_size("16g"), Ok(16 << 30));
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("8B"), Ok(8));
    }

    #[test]
    fn ranges_double_like_nccl_tests() {
        let v = parse_sizes("32K:1M").unwrap();
        assert_eq!(v, vec![32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20]);
        assert_eq!(parse_sizes("1M,4M").unwrap(), vec![1 << 20, 4 << 20]);
    }

    #[test]
    fn bad_sizes_say_why() {
        let e = parse_size("1Q").unwrap_err();
        assert_eq!(e.why, "unknown suffix `Q`");
        assert!(e.to_string().starts_with("invalid size `1Q`: unknown suffix `Q`; expected bytes"));
        assert_eq!(parse_size("0").unwrap_err().why, "a message needs at least one byte");
        assert_eq!(parse_size("-5K").unwrap_err().why, "not a whole number");
        assert_eq!(parse_sizes("1G:1M").unwrap_err().why, "range runs backwards");
        assert_eq!(parse_size("99999999T").unwrap_err().why, "too large");
    }
}
