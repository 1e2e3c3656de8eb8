//! NumPy's generalized-ufunc signature grammar, parsed at compile time:
//!
//! ```text
//! layout   := operands "->" operands
//! operands := core ("," core)*
//! core     := "(" [dim ("," dim)*] ")"
//! dim      := name | integer          // name: an identifier; integer: a fixed size
//! ```
//! Whitespace is allowed anywhere between tokens.

use std::fmt;

/// One core dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    /// A named dimension: index into [`Layout::names`].
    Named(usize),
    /// A fixed size such as the `3` of `(n,3)`.
    Fixed(usize),
}

/// A parsed layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Dimension names in order of first appearance.
    pub names: Vec<String>,
    /// Core dimensions of each input.
    pub inputs: Vec<Vec<Dim>>,
    /// Core dimensions of each output.
    pub outputs: Vec<Vec<Dim>>,
}

/// A syntax error: where (a char index into the layout) and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutError {
    /// Char index of the offending character (the layout's length at its end).
    pub pos: usize,
    /// What was wrong and what was expected.
    pub msg: String,
}

impl LayoutError {
    /// The message with the layout and a caret under the position.
    pub fn render(&self, text: &str) -> String {
        format!(
            "invalid layout at position {}: {}\n  {text}\n  {}^",
            self.pos,
            self.msg,
            " ".repeat(self.pos)
        )
    }
}

impl Layout {
    /// The core dimensions of one operand as written, e.g. `(m,3)`.
    pub fn core_text(&self, core: &[Dim]) -> String {
        let parts: Vec<String> = core
            .iter()
            .map(|d| match *d {
                Dim::Named(i) => self.names[i].clone(),
                Dim::Fixed(f) => f.to_string(),
            })
            .collect();
        format!("({})", parts.join(","))
    }

    /// The layout without whitespace, e.g. `(m,n),(n)->(m)`.
    pub fn text(&self) -> String {
        let side = |ops: &[Vec<Dim>]| {
            ops.iter()
                .map(|c| self.core_text(c))
                .collect::<Vec<_>>()
                .join(",")
        };
        format!("{}->{}", side(&self.inputs), side(&self.outputs))
    }

    /// The names used by an output that no input has.
    pub fn unbound_output_names(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for core in &self.outputs {
            for d in core {
                if let Dim::Named(i) = *d {
                    let in_input = self.inputs.iter().flatten().any(|e| *e == Dim::Named(i));
                    let name = self.names[i].as_str();
                    if !in_input && !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
        out
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    names: Vec<String>,
}

fn describe(c: Option<char>) -> String {
    match c {
        None => "the end of the layout".to_string(),
        Some(c) => format!("`{c}`"),
    }
}

impl Parser {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn err<T>(&self, msg: impl Into<String>) -> Result<T, LayoutError> {
        Err(LayoutError {
            pos: self.pos,
            msg: msg.into(),
        })
    }

    fn unexpected<T>(&mut self, expected: &str) -> Result<T, LayoutError> {
        let c = self.peek();
        let found = describe(c);
        match c {
            Some(c) if !is_layout_char(c) => self.err(format!(
                "unknown character `{c}`: expected {expected} (a layout uses only names, integers, `(`, `)`, `,` and `->`)"
            )),
            Some('?') => self.err(
                "flexible dimensions (`n?`) are not supported: use a named or fixed dimension",
            ),
            _ => self.err(format!("expected {expected}, found {found}")),
        }
    }

    fn operands(&mut self, what: &str) -> Result<Vec<Vec<Dim>>, LayoutError> {
        let mut ops = vec![self.core(what)?];
        while self.peek() == Some(',') {
            self.pos += 1;
            ops.push(self.core(what)?);
        }
        Ok(ops)
    }

    fn core(&mut self, what: &str) -> Result<Vec<Dim>, LayoutError> {
        if self.peek() != Some('(') {
            return self.unexpected(&format!("`(` to start the core dimensions of an {what}"));
        }
        self.pos += 1;
        let mut dims = Vec::new();
        if self.peek() == Some(')') {
            self.pos += 1;
            return Ok(dims);
        }
        loop {
            dims.push(self.dim()?);
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    return Ok(dims);
                }
                _ => return self.unexpected("`,` or `)` after a dimension"),
            }
        }
    }

    fn dim(&mut self) -> Result<Dim, LayoutError> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let mut end = self.pos;
                while self.chars.get(end).is_some_and(|c| c.is_ascii_digit()) {
                    end += 1;
                }
                let digits: String = self.chars[self.pos..end].iter().collect();
                if self.chars.get(end).is_some_and(|c| is_ident_char(*c)) {
                    self.pos = end;
                    return self.err(
                        "a dimension name cannot start with a digit: expected a name such as `n` or an integer size",
                    );
                }
                let Ok(size) = digits.parse::<usize>() else {
                    return self.err(format!("fixed size {digits} is too large"));
                };
                self.pos = end;
                Ok(Dim::Fixed(size))
            }
            Some(c) if c == '_' || c.is_alphabetic() => {
                let mut end = self.pos;
                while self.chars.get(end).is_some_and(|c| is_ident_char(*c)) {
                    end += 1;
                }
                let name: String = self.chars[self.pos..end].iter().collect();
                self.pos = end;
                if self.peek() == Some('?') {
                    return self.err(
                        "flexible dimensions (`n?`) are not supported: use a named or fixed dimension",
                    );
                }
                let idx = match self.names.iter().position(|n| *n == name) {
                    Some(i) => i,
                    None => {
                        self.names.push(name);
                        self.names.len() - 1
                    }
                };
                Ok(Dim::Named(idx))
            }
            _ => self.unexpected("a dimension name or an integer size"),
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn is_layout_char(c: char) -> bool {
    is_ident_char(c) || c.is_whitespace() || "(),->?".contains(c)
}

/// Parses a layout such as `(m,n),(n)->(m)`.
pub fn parse(text: &str) -> Result<Layout, LayoutError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        names: Vec::new(),
    };
    if p.peek().is_none() {
        return p.err("the layout is empty: write the core dimensions of the inputs and outputs, e.g. `(n),()->(n)`");
    }
    let inputs = p.operands("input")?;
    match p.peek() {
        Some('-') if p.chars.get(p.pos + 1) == Some(&'>') => p.pos += 2,
        None => {
            return p.err(
                "missing `->` and the outputs: a layout is `inputs->outputs`, e.g. `(n),()->(n)`",
            )
        }
        _ => return p.unexpected("`,` or `->` after an input"),
    }
    let outputs = p.operands("output")?;
    if p.peek().is_some() {
        return p.unexpected("`,` or the end of the layout after an output");
    }
    Ok(Layout {
        names: p.names,
        inputs,
        outputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dim::{Fixed as F, Named as N};

    fn ok(s: &str) -> Layout {
        parse(s).unwrap_or_else(|e| panic!("{s:?}: {}", e.render(s)))
    }

    fn err(s: &str) -> LayoutError {
        match parse(s) {
            Ok(l) => panic!("{s:?} parsed as {l:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn numpy_examples() {
        let l = ok("(n),()->(n)");
        assert_eq!(l.names, vec!["n"]);
        assert_eq!(l.inputs, vec![vec![N(0)], vec![]]);
        assert_eq!(l.outputs, vec![vec![N(0)]]);

        let l = ok("(m,n),(n)->(m)");
        assert_eq!(l.names, vec!["m", "n"]);
        assert_eq!(l.inputs, vec![vec![N(0), N(1)], vec![N(1)]]);
        assert_eq!(l.outputs, vec![vec![N(0)]]);

        let l = ok("(m,n),(n,p)->(m,p)");
        assert_eq!(l.names, vec!["m", "n", "p"]);
        assert_eq!(l.outputs, vec![vec![N(0), N(2)]]);

        let l = ok("(n,3)->(n)");
        assert_eq!(l.inputs, vec![vec![N(0), F(3)]]);

        let l = ok("(n)->(),()");
        assert_eq!(l.outputs, vec![vec![], vec![]]);

        let l = ok("(3),(3)->(3)");
        assert!(l.names.is_empty());
        assert_eq!(l.inputs, vec![vec![F(3)], vec![F(3)]]);

        let l = ok("()->()");
        assert_eq!(l.inputs, vec![Vec::<Dim>::new()]);
        assert_eq!(l.outputs, vec![Vec::<Dim>::new()]);

        let l = ok("(n,n)->()");
        assert_eq!(l.inputs, vec![vec![N(0), N(0)]]);
    }

    #[test]
    fn whitespace_anywhere() {
        let a = ok("(m,n),(n)->(m)");
        for s in [
            " (m, n), (n) -> (m) ",
            "( m ,n ),( n )->( m )",
            "\t(m,\nn),(n)\n->\n(m)",
            "(m,n) , (n)->  (m)",
        ] {
            assert_eq!(ok(s), a, "{s:?}");
        }
        assert_eq!(ok(" ( n , 3 ) -> ( n ) ").inputs, vec![vec![N(0), F(3)]]);
    }

    #[test]
    fn names_and_sizes() {
        let l = ok("(rows_1,_k,Δ)->(_k)");
        assert_eq!(l.names, vec!["rows_1", "_k", "Δ"]);
        assert_eq!(ok("(0)->()").inputs, vec![vec![F(0)]]);
        assert_eq!(ok("(12345)->()").inputs, vec![vec![F(12345)]]);
        assert_eq!(ok("(n)->(n,2)").outputs, vec![vec![N(0), F(2)]]);
    }

    #[test]
    fn text_round_trip() {
        for s in [
            "(n),()->(n)",
            "(m,n),(n)->(m)",
            "(n,3)->(n)",
            "(n)->(),()",
            "()->()",
        ] {
            assert_eq!(ok(s).text(), s);
        }
        assert_eq!(ok(" ( m , n ) -> ( m ) ").text(), "(m,n)->(m)");
        let l = ok("(m,3),(3)->(m)");
        assert_eq!(l.core_text(&l.inputs[0]), "(m,3)");
    }

    #[test]
    fn unbound_outputs() {
        assert!(ok("(n)->(n)").unbound_output_names().is_empty());
        assert_eq!(ok("(n)->(m)").unbound_output_names(), vec!["m"]);
        assert_eq!(ok("(n)->(m,k),(m)").unbound_output_names(), vec!["m", "k"]);
        assert!(ok("(n)->(3)").unbound_output_names().is_empty());
    }

    #[test]
    fn missing_arrow() {
        let e = err("(n),()");
        assert_eq!(e.pos, 6);
        assert!(e.msg.contains("missing `->`"), "{}", e.msg);
        let e = err("(n)(n)");
        assert_eq!(e.pos, 3);
        assert!(e.msg.contains("expected `,` or `->`"), "{}", e.msg);
        let e = err("(n)>(n)");
        assert_eq!(e.pos, 3);
        let e = err("(n)-(n)");
        assert_eq!(e.pos, 3);
        assert!(e.msg.contains("found `-`"), "{}", e.msg);
    }

    #[test]
    fn missing_parts() {
        let e = err("");
        assert!(e.msg.contains("empty"), "{}", e.msg);
        let e = err("   ");
        assert!(e.msg.contains("empty"), "{}", e.msg);
        let e = err("->(n)");
        assert_eq!(e.pos, 0);
        assert!(
            e.msg
                .contains("expected `(` to start the core dimensions of an input"),
            "{}",
            e.msg
        );
        let e = err("(n)->");
        assert_eq!(e.pos, 5);
        assert!(
            e.msg.contains("of an output, found the end of the layout"),
            "{}",
            e.msg
        );
        let e = err("(n)->(n),");
        assert_eq!(e.pos, 9);
        let e = err("(n");
        assert_eq!(e.pos, 2);
        assert!(e.msg.contains("expected `,` or `)`"), "{}", e.msg);
        let e = err("(n,)->()");
        assert_eq!(e.pos, 3);
        assert!(
            e.msg
                .contains("expected a dimension name or an integer size, found `)`"),
            "{}",
            e.msg
        );
        let e = err("(,n)->()");
        assert_eq!(e.pos, 1);
        let e = err("(n m)->()");
        assert_eq!(e.pos, 3);
        assert!(e.msg.contains("found `m`"), "{}", e.msg);
        let e = err("n->n");
        assert_eq!(e.pos, 0);
    }

    #[test]
    fn trailing_garbage() {
        let e = err("(n)->(n))");
        assert_eq!(e.pos, 8);
        assert!(e.msg.contains("`,` or the end of the layout"), "{}", e.msg);
        let e = err("(n)->(n)->(n)");
        assert_eq!(e.pos, 8);
    }

    #[test]
    fn unknown_characters() {
        for (s, pos, c) in [
            ("[n]->()", 0, '['),
            ("(n;m)->()", 2, ';'),
            ("(n)->(n*2)", 7, '*'),
            ("(n)=>(n)", 3, '='),
            ("(n.m)->()", 2, '.'),
        ] {
            let e = err(s);
            assert_eq!(e.pos, pos, "{s}");
            assert!(
                e.msg.contains(&format!("unknown character `{c}`")),
                "{s}: {}",
                e.msg
            );
        }
    }

    #[test]
    fn bad_dimensions() {
        let e = err("(3n)->()");
        assert!(e.msg.contains("cannot start with a digit"), "{}", e.msg);
        let e = err("(99999999999999999999999)->()");
        assert!(e.msg.contains("too large"), "{}", e.msg);
        let e = err("(n?)->()");
        assert!(e.msg.contains("flexible"), "{}", e.msg);
        assert_eq!(e.pos, 2);
        let e = err("(?)->()");
        assert!(e.msg.contains("flexible"), "{}", e.msg);
    }

    #[test]
    fn render_points_at_position() {
        let e = err("(n),()>(n)");
        let r = e.render("(n),()>(n)");
        assert_eq!(
            r,
            "invalid layout at position 6: expected `,` or `->` after an input, found `>`\n  (n),()>(n)\n        ^"
        );
    }

    #[test]
    fn positions_count_chars_not_bytes() {
        let e = err("(Δ,)->()");
        assert_eq!(e.pos, 3);
    }
}
