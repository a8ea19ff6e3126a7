; Tags for Bash, written for redline.

(function_definition name: (word) @name.definition.function) @definition.function
(program (variable_assignment name: (variable_name) @name.definition.constant) @definition.constant)
(program (declaration_command (variable_assignment name: (variable_name) @name.definition.constant)) @definition.constant)

(command name: (command_name (word) @name.reference.call))
(simple_expansion (variable_name) @name.reference.identifier)
(expansion (variable_name) @name.reference.identifier)
