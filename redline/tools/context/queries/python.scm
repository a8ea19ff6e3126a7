; Tags for Python, written for redline. Definitions: @name.definition.KIND on the
; name, @definition.KIND on the whole node. References: @name.reference.KIND.

(class_definition
  body: (block
    [(function_definition name: (identifier) @name.definition.method) @definition.method
     (decorated_definition
       definition: (function_definition name: (identifier) @name.definition.method) @definition.method)]))

(class_definition name: (identifier) @name.definition.class) @definition.class

(function_definition name: (identifier) @name.definition.function) @definition.function

(module
  (expression_statement
    (assignment left: (identifier) @name.definition.constant) @definition.constant))

(module
  (expression_statement
    (assignment
      left: (identifier) @name.definition.type
      type: (type (identifier) @_alias)) @definition.type)
  (#eq? @_alias "TypeAlias"))

(type_alias_statement (type (identifier) @name.definition.type)) @definition.type

(call function: (identifier) @name.reference.call)
(call function: (attribute attribute: (identifier) @name.reference.call))

(class_definition superclasses: (argument_list (identifier) @name.reference.class))
(class_definition superclasses: (argument_list (attribute attribute: (identifier) @name.reference.class)))

(type (identifier) @name.reference.type)
(type (generic_type (identifier) @name.reference.type))
(type (subscript value: (identifier) @name.reference.type))
(type (attribute attribute: (identifier) @name.reference.type))

(decorator (identifier) @name.reference.call)
(decorator (attribute attribute: (identifier) @name.reference.call))

(import_from_statement name: (dotted_name (identifier) @name.reference.import))
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @name.reference.import)))

(attribute attribute: (identifier) @name.reference.identifier)
(argument_list (identifier) @name.reference.identifier)
(keyword_argument value: (identifier) @name.reference.identifier)
(assignment right: (identifier) @name.reference.identifier)
(return_statement (identifier) @name.reference.identifier)
