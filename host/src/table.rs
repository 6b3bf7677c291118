//! Plain terminal tables: a header, aligned columns, a rule, and an optional total row. Widths
//! are the columns text takes on a terminal (a CJK character takes two), not characters.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a column lines up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A table being built.
#[derive(Debug)]
pub struct Table<'a> {
    columns: Vec<(&'a str, Align)>,
    rows: Vec<Vec<String>>,
    footer: Option<Vec<String>>,
}

/// Widest cell, in terminal columns; wider text is cut with an ellipsis.
const MAX_CELL: usize = 60;

impl<'a> Table<'a> {
    /// A table with these column headers.
    pub fn new(columns: &[(&'a str, Align)]) -> Self {
        Table { columns: columns.to_vec(), rows: Vec::new(), footer: None }
    }

    /// Adds a row (one cell per column).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Sets the total row, shown under a rule (columns past its last cell are left empty).
    pub fn footer(&mut self, cells: Vec<String>) {
        self.footer = Some(cells);
    }

    /// The table as text.
    pub fn render(&self) -> String {
        let cut = |cell: &String| -> String {
            if cell.width() <= MAX_CELL {
                return cell.clone();
            }
            let mut short = String::new();
            let mut width = 0;
            for c in cell.chars() {
                width += c.width().unwrap_or(0);
                if width > MAX_CELL - 1 {
                    break;
                }
                short.push(c);
            }
            short.push('…');
            short
        };
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(cut).collect()).collect();
        let footer: Option<Vec<String>> = self.footer.as_ref().map(|r| r.iter().map(cut).collect());
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (header, _))| {
                rows.iter()
                    .chain(footer.iter())
                    .filter_map(|r| r.get(i))
                    .map(|c| c.width())
                    .chain([header.width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = self
                .columns
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, ((_, align), width))| {
                    let cell = cells.get(i).map(String::as_str).unwrap_or("");
                    let pad = " ".repeat(width.saturating_sub(cell.width()));
                    match align {
                        Align::Left => format!("{cell}{pad}"),
                        Align::Right => format!("{pad}{cell}"),
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_owned()
        };
        let rule = widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  ");
        let headers: Vec<String> = self.columns.iter().map(|(h, _)| (*h).to_owned()).collect();
        let mut out = vec![line(&headers), rule.clone()];
        out.extend(rows.iter().map(|r| line(r)));
        if let Some(footer) = &footer {
            out.push(rule);
            out.push(line(footer));
        }
        out.join("\n") + "\n"
    }
}

/// `1234567` as `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A cost in dollars with cents.
pub fn dollars(usd: f64) -> String {
    format!("${usd:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1234), "1,234");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(dollars(9.278056), "$9.28");
    }

    #[test]
    fn columns_align_and_totals_sit_under_a_rule() {
        let mut table = Table::new(&[("Day", Align::Left), ("Cost", Align::Right)]);
        table.row(vec!["mon".into(), "$1.00".into()]);
        table.footer(vec!["Total".into(), "$10.00".into()]);
        assert_eq!(table.render(), "Day      Cost\n─────  ──────\nmon     $1.00\n─────  ──────\nTotal  $10.00\n");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let mut table = Table::new(&[("Project", Align::Left), ("Cost", Align::Right)]);
        table.row(vec!["/home/用户/项目".into(), "$1.00".into()]);
        table.row(vec!["/w/app".into(), "$2.00".into()]);
        table.row(vec!["界".repeat(40), "$3.00".into()]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        // Every cost ends in the same terminal column; the 80-column cell is cut to 60.
        assert!(lines.iter().all(|l| l.width() == lines[0].width()), "{text}");
        assert_eq!(lines[4], format!("{}…  $3.00", "界".repeat(29)));
    }
}
