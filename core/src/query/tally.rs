//! Sums keyed by a few distinct strings (model names), fed in long runs of the same key: the last
//! key is checked first, by address and then by text, before a scan of the few seen so far.

/// Values by string key, in first-seen order.
pub struct Tally<'a, V> {
    rows: Vec<(&'a str, V)>,
    last: usize,
}

impl<V> Default for Tally<'_, V> {
    fn default() -> Self {
        Tally { rows: Vec::new(), last: 0 }
    }
}

impl<'a, V: Default> Tally<'a, V> {
    /// The value of `key`, created empty on first use.
    pub fn slot(&mut self, key: &'a str) -> &mut V {
        let same = |row: &(&str, V)| std::ptr::eq(row.0, key) || row.0 == key;
        if !self.rows.get(self.last).is_some_and(same) {
            self.last = match self.rows.iter().position(same) {
                Some(i) => i,
                None => {
                    self.rows.push((key, V::default()));
                    self.rows.len() - 1
                }
            };
        }
        &mut self.rows[self.last].1
    }

    /// Every key with its value, in first-seen order.
    pub fn into_rows(self) -> Vec<(&'a str, V)> {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_by_text_whatever_the_address() {
        let owned = String::from("b");
        let mut tally = Tally::<u32>::default();
        for key in ["a", "a", "b", owned.as_str(), "a", "c", "b"] {
            *tally.slot(key) += 1;
        }
        assert_eq!(tally.into_rows(), [("a", 3), ("b", 3), ("c", 1)]);
    }
}
