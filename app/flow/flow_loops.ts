/**
 * Finds the nodes that lie on a cycle of a directed graph, with Tarjan's
 * strongly connected components algorithm, iteratively so a long chain
 * cannot overflow the stack. Returns each cycle's nodes as one group: a
 * component of two or more nodes, or a single node with an edge to itself.
 */
export function cyclicComponents(nodeIds: string[], successors: Map<string, string[]>) {
  const index = new Map<string, number>()
  const lowLink = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0

  for (const root of nodeIds) {
    if (index.has(root)) {
      continue
    }
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }]
    index.set(root, counter)
    lowLink.set(root, counter++)
    stack.push(root)
    onStack.add(root)

    while (work.length > 0) {
      const frame = work[work.length - 1]
      const targets = successors.get(frame.node) ?? []
      if (frame.next < targets.length) {
        const target = targets[frame.next++]
        if (!index.has(target)) {
          index.set(target, counter)
          lowLink.set(target, counter++)
          stack.push(target)
          onStack.add(target)
          work.push({ node: target, next: 0 })
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!))
        }
        continue
      }

      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1].node
        lowLink.set(parent, Math.min(lowLink.get(parent)!, lowLink.get(frame.node)!))
      }
      if (lowLink.get(frame.node) === index.get(frame.node)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.node)
        const selfLoop = (successors.get(frame.node) ?? []).includes(frame.node)
        if (component.length > 1 || selfLoop) {
          components.push(component.reverse())
        }
      }
    }
  }
  return components
}
