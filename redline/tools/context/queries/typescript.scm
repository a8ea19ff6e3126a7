; Tags for TypeScript and TSX, written for redline.

(method_definition name: (property_identifier) @name.definition.method) @definition.method
(method_signature name: (property_identifier) @name.definition.method) @definition.method
(abstract_method_signature name: (property_identifier) @name.definition.method) @definition.method

(class_declaration name: (type_identifier) @name.definition.class) @definition.class
(abstract_class_declaration name: (type_identifier) @name.definition.class) @definition.class
(interface_declaration name: (type_identifier) @name.definition.interface) @definition.interface
(type_alias_declaration name: (type_identifier) @name.definition.type) @definition.type
(enum_declaration name: (identifier) @name.definition.enum) @definition.enum
(internal_module name: (identifier) @name.definition.module) @definition.module
(module name: (identifier) @name.definition.module) @definition.module

(function_declaration name: (identifier) @name.definition.function) @definition.function
(generator_function_declaration name: (identifier) @name.definition.function) @definition.function
(function_signature name: (identifier) @name.definition.function) @definition.function

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
    value: [(object) (array) (string) (number) (call_expression) (new_expression) (template_string) (as_expression)])) @definition.constant)
(program (export_statement (lexical_declaration
  (variable_declarator
    name: (identifier) @name.definition.constant
    value: [(object) (array) (string) (number) (call_expression) (new_expression) (template_string) (as_expression)])) @definition.constant))

(call_expression function: (identifier) @name.reference.call)
(call_expression function: (member_expression property: (property_identifier) @name.reference.call))
(new_expression constructor: (identifier) @name.reference.class)
(extends_clause value: (identifier) @name.reference.class)
(implements_clause (type_identifier) @name.reference.interface)
(extends_type_clause type: (type_identifier) @name.reference.interface)
(type_identifier) @name.reference.type
(import_specifier name: (identifier) @name.reference.import)
(member_expression property: (property_identifier) @name.reference.identifier)
(arguments (identifier) @name.reference.identifier)
