"""Small source files in every supported language, and what their tags should contain."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    path: str
    language: str
    source: str
    definitions: tuple[tuple[str, str], ...]  # (name, kind) that must be found
    references: tuple[str, ...]  # names that must be referenced


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "pkg/shapes.py",
        "python",
        """import math
from pkg.base import Shape

LIMIT = 10


class Circle(Shape):
    def __init__(self, radius: float) -> None:
        self.radius = radius

    def area(self) -> float:
        return math.pi * square(self.radius)


def square(x: float) -> float:
    return x * x


def make_circle(r) -> Circle:
    return Circle(r)
""",
        (("LIMIT", "constant"), ("Circle", "class"), ("area", "method"), ("square", "function")),
        ("Shape", "square", "Circle"),
    ),
    Sample(
        "web/app.js",
        "javascript",
        """import { render } from './dom.js';

export const DEFAULTS = { size: 3 };

export class Widget extends Base {
  draw(ctx) {
    return render(ctx, this.size);
  }
}

function mount(el) {
  const w = new Widget();
  return w.draw(el);
}

const unmount = (el) => { cleanup(el); };
""",
        (
            ("DEFAULTS", "constant"),
            ("Widget", "class"),
            ("draw", "method"),
            ("mount", "function"),
            ("unmount", "function"),
        ),
        ("render", "Base", "Widget", "draw", "cleanup"),
    ),
    Sample(
        "web/store.ts",
        "typescript",
        """export interface Item { id: number; name: string }

export type ItemList = Item[];

export enum Status { Active, Done }

export class Store implements Repository {
  private items: ItemList = [];
  add(item: Item): void {
    this.items.push(item);
    notify(item.id);
  }
}

export function findItem(list: ItemList, id: number): Item | undefined {
  return list.find((i) => i.id === id);
}
""",
        (
            ("Item", "interface"),
            ("ItemList", "type"),
            ("Status", "enum"),
            ("Store", "class"),
            ("add", "method"),
            ("findItem", "function"),
        ),
        ("Repository", "Item", "ItemList", "notify", "push"),
    ),
    Sample(
        "web/view.tsx",
        "tsx",
        """import { Store } from './store';

interface Props { store: Store }

export function ItemView(props: Props) {
  return <Row label={props.store.name} />;
}

export const Panel = (p: Props) => <div><ItemView store={p.store} /></div>;
""",
        (("Props", "interface"), ("ItemView", "function"), ("Panel", "function")),
        ("Row", "ItemView", "Store", "Props"),
    ),
    Sample(
        "server/handler.go",
        "go",
        """package server

import "fmt"

const MaxConns = 100

type Server struct {
	Addr string
}

type Handler interface {
	Serve(req *Request) error
}

func (s *Server) Start() error {
	return listen(s.Addr)
}

func NewServer(addr string) *Server {
	fmt.Println(addr)
	return &Server{Addr: addr}
}
""",
        (
            ("MaxConns", "constant"),
            ("Server", "struct"),
            ("Handler", "interface"),
            ("Start", "method"),
            ("NewServer", "function"),
            ("Serve", "method"),
        ),
        ("listen", "Println", "Request", "Server"),
    ),
    Sample(
        "src/lib.rs",
        "rust",
        """use std::collections::HashMap;

pub const VERSION: &str = "1.0";

pub struct Cache {
    map: HashMap<String, String>,
}

pub trait Store {
    fn get(&self, key: &str) -> Option<String>;
}

impl Cache {
    pub fn new() -> Self {
        Cache { map: HashMap::new() }
    }
}

pub fn lookup(c: &Cache, key: &str) -> usize {
    helper(key.len())
}

mod inner {}
""",
        (
            ("VERSION", "constant"),
            ("Cache", "struct"),
            ("Store", "interface"),
            ("new", "method"),
            ("lookup", "function"),
            ("get", "method"),
            ("inner", "module"),
        ),
        ("HashMap", "helper", "Cache", "len"),
    ),
    Sample(
        "src/main/java/App.java",
        "java",
        """package demo;

public class App extends BaseApp implements Runnable {
    public static final int PORT = 8080;

    public App() { super(); }

    public void run() {
        Service s = new Service();
        s.start(PORT);
    }
}

interface Service2 { void stop(); }

enum Mode { ON, OFF }
""",
        (
            ("App", "class"),
            ("PORT", "constant"),
            ("run", "method"),
            ("Service2", "interface"),
            ("Mode", "enum"),
        ),
        ("BaseApp", "Runnable", "Service", "start"),
    ),
    Sample(
        "csrc/list.c",
        "c",
        """#include <stdlib.h>
#define LIST_MAX 64

typedef struct node {
    int value;
    struct node *next;
} node_t;

struct list { node_t *head; };

static node_t *make_node(int value) {
    node_t *n = malloc(sizeof(node_t));
    n->value = value;
    return n;
}

int list_push(struct list *l, int value) {
    node_t *n = make_node(value);
    return link_node(l, n);
}
""",
        (
            ("LIST_MAX", "constant"),
            ("node", "struct"),
            ("node_t", "type"),
            ("list", "struct"),
            ("make_node", "function"),
            ("list_push", "function"),
        ),
        ("malloc", "make_node", "link_node", "node_t"),
    ),
    Sample(
        "cppsrc/engine.cpp",
        "cpp",
        """#include <vector>

namespace game {

class Engine : public Base {
public:
    void tick(double dt);
private:
    std::vector<int> items;
};

void Engine::tick(double dt) {
    update(dt);
    items.push_back(1);
}

struct Point { int x, y; };

int score(const Point& p) { return helper(p.x); }

}
""",
        (
            ("game", "module"),
            ("Engine", "class"),
            ("tick", "method"),
            ("Point", "struct"),
            ("score", "function"),
        ),
        ("Base", "update", "push_back", "helper", "Point"),
    ),
    Sample(
        "lib/greeter.rb",
        "ruby",
        """module Greeting
  DEFAULT = "hello"

  class Greeter < BaseGreeter
    attr_reader :name

    def initialize(name)
      @name = name
    end

    def greet
      format_message(DEFAULT, name)
    end

    def self.build(name)
      Greeter.new(name)
    end
  end
end
""",
        (
            ("Greeting", "module"),
            ("DEFAULT", "constant"),
            ("Greeter", "class"),
            ("greet", "method"),
            ("build", "method"),
            ("initialize", "method"),
        ),
        ("BaseGreeter", "format_message", "Greeter", "new"),
    ),
    Sample(
        "scripts/deploy.sh",
        "bash",
        """#!/usr/bin/env bash
TARGET=prod

log() {
  echo "$1"
}

deploy() {
  log "deploying to $TARGET"
  rsync -a build/ "$TARGET":/srv
}

deploy
""",
        (("TARGET", "constant"), ("log", "function"), ("deploy", "function")),
        ("log", "rsync", "deploy", "TARGET"),
    ),
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def commit_all(repo: Path, message: str = "add files") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
