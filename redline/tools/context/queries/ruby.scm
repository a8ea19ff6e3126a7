; Tags for Ruby, written for redline.

(method name: (_) @name.definition.method) @definition.method
(singleton_method name: (_) @name.definition.method) @definition.method
(class name: (constant) @name.definition.class) @definition.class
(class name: (scope_resolution name: (constant) @name.definition.class)) @definition.class
(module name: (constant) @name.definition.module) @definition.module
(module name: (scope_resolution name: (constant) @name.definition.module)) @definition.module
(assignment left: (constant) @name.definition.constant) @definition.constant
(call method: (identifier) @_attr arguments: (argument_list (simple_symbol) @name.definition.method) (#match? @_attr "^attr_"))

(call method: (identifier) @name.reference.call)
(call receiver: (constant) @name.reference.class)
(superclass (constant) @name.reference.class)
(superclass (scope_resolution name: (constant) @name.reference.class))
(scope_resolution name: (constant) @name.reference.class)
(argument_list (constant) @name.reference.class)
(body_statement (identifier) @name.reference.call)
