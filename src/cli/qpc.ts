console.log('qpc', process.argv.slice(2).join(' '));
