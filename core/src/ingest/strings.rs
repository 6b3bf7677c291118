//! One copy of each repeated string. Records decoded one at a time each carry their own copies of
//! the session id, file path, working directory, version and model; sharing them among a
//! session's records keeps its figures in a fraction of the memory.

use std::sync::Arc;

use crate::hash::HashSet;

/// The strings seen so far.
#[derive(Debug, Default, Clone)]
pub(crate) struct Strings(HashSet<Arc<str>>);

impl Strings {
    /// Makes `text` the shared copy of its contents.
    pub fn share(&mut self, text: &mut Arc<str>) {
        match self.0.get(&**text) {
            Some(shared) => *text = shared.clone(),
            None => {
                self.0.insert(text.clone());
            }
        }
    }

    /// Forgets every string (keeping the room they took).
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_end_up_as_one_copy() {
        let mut strings = Strings::default();
        let (mut a, mut b, mut c): (Arc<str>, Arc<str>, Arc<str>) = ("s1".into(), "s1".into(), "s2".into());
        strings.share(&mut a);
        strings.share(&mut b);
        strings.share(&mut c);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!((&*a, &*c), ("s1", "s2"));
    }
}
