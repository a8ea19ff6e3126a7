; Tags for JavaScript (and JSX), written for redline.

(method_definition name: (property_identifier) @name.definition.method) @definition.method

(class_declaration name: (identifier) @name.definition.class) @definition.class
(class name: (identifier) @name.definition.class) @definition.class

(function_declaration name: (identifier) @name.definition.function) @definition.function
(generator_function_declaration name: (identifier) @name.definition.function) @definition.function

(lexical_declaration
  (variable_declarator
    name: (identifier) @name.definition.function
    value: [(arrow_function) (function_expression) (generator_function)])) @definition.function
(variable_declaration
  (variable_declarator
    name: (identifier) @name.definition.function
    value: [(arrow_function) (function_expression) (generator_function)])) @definition.function

(program (lexical_declaration
  (variable_declarator
    name: (identifier) @name.definition.constant
    value: [(object) (array) (string) (number) (call_expression) (new_expression) (template_string) (member_expression)])) @definition.constant)
(program (export_statement (lexical_declaration
  (variable_declarator
    name: (identifier) @name.definition.constant
    value: [(object) (array) (string) (number) (call_expression) (new_expression) (template_string) (member_expression)])) @definition.constant))

(assignment_expression
  left: (member_expression property: (property_identifier) @name.definition.function)
  right: [(arrow_function) (function_expression)]) @definition.function

(pair
  key: (property_identifier) @name.definition.method
  value: [(arrow_function) (function_expression)]) @definition.method

(call_expression function: (identifier) @name.reference.call)
(call_expression function: (member_expression property: (property_identifier) @name.reference.call))
(new_expression constructor: (identifier) @name.reference.class)
(new_expression constructor: (member_expression property: (property_identifier) @name.reference.class))
(class_heritage (identifier) @name.reference.class)
(class_heritage (member_expression property: (property_identifier) @name.reference.class))
(import_specifier name: (identifier) @name.reference.import)
(jsx_opening_element name: (identifier) @name.reference.class)
(jsx_self_closing_element name: (identifier) @name.reference.class)
(member_expression property: (property_identifier) @name.reference.identifier)
(arguments (identifier) @name.reference.identifier)
