; JSX elements, added to the TypeScript tags for .tsx files.
(jsx_opening_element name: (identifier) @name.reference.class)
(jsx_self_closing_element name: (identifier) @name.reference.class)
